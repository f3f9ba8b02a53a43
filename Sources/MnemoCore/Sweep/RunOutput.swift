/// What a run reports per example beside its correctness bits, as a sweep's `outputs:` asks
/// (`outputs: [correctness, margin, loss]`; without the key, correctness only).
///
/// Each further output travels as two float32 arrays, `<name>_train` (n …) and `<name>_test` (t …):
/// one value per example, or one per example and class for ``probability`` and ``logits``.
public enum RunOutput: String, Codable, Sendable, CaseIterable, Comparable {
    /// Whether the predicted class (the largest logit, first on ties) is the label: always reported.
    case correctness
    /// True-class logit minus the largest other logit.
    case margin
    /// Cross-entropy of the true class, `−log softmax(z)[y]`.
    case loss
    /// The softmax probability of the true class.
    case confidence
    /// The softmax probabilities, n × classes.
    case probability
    /// The logits, n × classes.
    case logits
    /// The label-only membership signal (``LabelOnlyKind``): robustness to augmentation for image
    /// datasets, the feature-flip distance for binary features.
    case labelOnly = "label_only"

    /// Whether the output has one value per class of each example (else one per example).
    public var isPerClass: Bool { self == .probability || self == .logits }

    /// The shape of the output over `count` examples of `classes` classes.
    public func shape(count: Int, classes: Int) -> [Int] {
        isPerClass ? [count, classes] : [count]
    }

    /// The name of its array over the training (`train`) or test (`test`) examples.
    public func arrayName(_ split: String) -> String { "\(rawValue)_\(split)" }

    public static func < (lhs: RunOutput, rhs: RunOutput) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
