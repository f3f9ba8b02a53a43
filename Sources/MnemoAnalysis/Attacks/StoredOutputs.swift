import Foundation
import MnemoCore

/// What one run stored about one split's examples (its training or its test examples): correctness
/// and the float32 arrays of the sweep's `outputs:`, with the labels needed to read them.
public struct StoredOutputs: Sendable {
    /// Whether each example was classified right.
    public var correct: [Bool]
    /// The stored arrays by output: one value per example, or `count × classCount` row-major for
    /// ``RunOutput/probability`` and ``RunOutput/logits``.
    public var arrays: [RunOutput: [Float]]
    /// Each example's label.
    public var labels: [Int]
    /// Number of classes.
    public var classCount: Int

    /// Outputs over `labels.count` examples; every array must have its output's size.
    public init(correct: [Bool], arrays: [RunOutput: [Float]], labels: [Int], classCount: Int) {
        precondition(correct.count == labels.count, "one correctness bit per example")
        for (output, values) in arrays {
            precondition(
                values.count == output.shape(count: labels.count, classes: classCount).reduce(1, *),
                "\(output.rawValue) has \(values.count) values for \(labels.count) examples")
        }
        self.correct = correct
        self.arrays = arrays
        self.labels = labels
        self.classCount = classCount
    }

    /// The outputs stored (correctness always).
    public var outputs: Set<RunOutput> { Set(arrays.keys).union([.correctness]) }

    /// Every example's class probabilities sorted from the largest down (count × classCount,
    /// row-major): the NN attack's features, from stored probabilities or the softmax of stored logits;
    /// nil when neither was stored.
    public func sortedProbabilities() -> [Float]? {
        let source: RunOutput
        if arrays[.probability] != nil { source = .probability } else if arrays[.logits] != nil { source = .logits } else { return nil }
        let values = arrays[source]!
        var sorted: [Float] = []
        sorted.reserveCapacity(values.count)
        for example in labels.indices {
            let row = (example * classCount..<(example + 1) * classCount).map { Double(values[$0]) }
            let probabilities = source == .probability ? row : SignalMath.softmax(row)
            sorted += probabilities.sorted(by: >).map(Float.init)
        }
        return sorted
    }

    /// `signal` for every example, derived from the best stored source (``MembershipSignal/sources``),
    /// in float64; nil when nothing stored fits.
    public func signal(_ signal: MembershipSignal) -> [Double]? {
        guard let source = signal.source(in: outputs) else { return nil }
        if source == .correctness { return correct.map { $0 ? 1 : 0 } }
        let values = arrays[source]!
        return labels.indices.map { example in
            Self.derive(signal, from: source, values: values, example: example, label: labels[example], classCount: classCount)
        }
    }

    private static func derive(
        _ signal: MembershipSignal, from source: RunOutput, values: [Float], example: Int, label: Int, classCount: Int
    ) -> Double {
        if source.isPerClass {
            let row = (example * classCount..<(example + 1) * classCount).map { Double(values[$0]) }
            let logits = source == .logits ? row : nil
            let probabilities = source == .probability ? row : SignalMath.softmax(row)
            switch signal {
            case .confidence:
                return logits.map { Foundation.exp(-SignalMath.loss(logits: $0, label: label)) } ?? probabilities[label]
            case .loss:
                return logits.map { SignalMath.loss(logits: $0, label: label) }
                    ?? -Foundation.log(max(probabilities[label], SignalMath.logFloor))
            case .entropy: return SignalMath.entropy(probabilities: probabilities)
            case .modifiedEntropy: return SignalMath.modifiedEntropy(probabilities: probabilities, label: label)
            case .scaledLogit: return SignalMath.scaledLogit(logits: row, label: label)
            case .correctness, .labelOnly: preconditionFailure("\(signal) is read as stored")
            }
        }
        let value = Double(values[example])
        switch (signal, source) {
        case (.confidence, .confidence), (.loss, .loss), (.labelOnly, .labelOnly): return value
        case (.confidence, .loss): return Foundation.exp(-value)
        case (.loss, .confidence): return -Foundation.log(max(value, SignalMath.logFloor))
        case (.scaledLogit, .loss): return SignalMath.scaledLogit(loss: value)
        default: preconditionFailure("\(signal) is not derived from \(source)")
        }
    }
}
