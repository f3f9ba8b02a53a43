/// A model's predictions on a set of examples.
public struct Evaluation: Sendable, Equatable {
    /// Whether the largest logit (first on ties) is the example's label.
    public let correct: [Bool]
    /// True-class logit minus the largest other logit; positive when clearly correct.
    public let margins: [Float]
    /// The softmax probability of the example's label (the confidence attacks' score).
    public let probabilities: [Float]
    /// The cross-entropy of the example's label, `logsumexp(z) − z[label]`: finite even where the
    /// probability underflows to 0.
    public let losses: [Float]
    /// The logits, `count × classes` row-major, when the evaluation was asked to keep them.
    public let logits: [Float]?

    /// Number of correctly classified examples.
    public var correctCount: Int { correct.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// Fraction of correctly classified examples (NaN for no examples).
    public var accuracy: Double { Double(correctCount) / Double(correct.count) }
}
