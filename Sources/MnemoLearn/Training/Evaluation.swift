/// A model's predictions on a set of examples.
public struct Evaluation: Sendable, Equatable {
    /// Whether the largest logit (first on ties) is the example's label.
    public let correct: [Bool]
    /// True-class logit minus the largest other logit; positive when clearly correct.
    public let margins: [Float]
    /// The softmax probability of the example's label (the confidence attacks' score; the loss is
    /// its negative log).
    public let probabilities: [Float]

    /// Number of correctly classified examples.
    public var correctCount: Int { correct.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Fraction of correctly classified examples (NaN for no examples).
    public var accuracy: Double { Double(correctCount) / Double(correct.count) }
}
