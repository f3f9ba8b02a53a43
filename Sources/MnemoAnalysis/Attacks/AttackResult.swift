import MnemoCore

/// One attack's outcome over the splits of an audit: each metric's mean and standard deviation, and the
/// first split's evaluation (for `--out`).
public struct AttackResult: Sendable, Encodable {
    /// The first split's evaluated examples and their decision scores.
    public struct Evaluation: Sendable {
        /// Training indices of the evaluated examples, members first.
        public var indices: [Int]
        /// Their decision scores (member when ≥ 0).
        public var scores: [Double]
        /// Whether each was a member of the target.
        public var isMember: [Bool]
        /// Their ROC.
        public var curve: ROCCurve
    }

    public var attack: MembershipAttack
    /// Each metric's mean over splits.
    public var mean: AttackMetrics
    /// Each metric's standard deviation over splits.
    public var std: AttackMetrics
    /// How many splits.
    public var splits: Int
    /// The first split's evaluation.
    public var firstSplit: Evaluation

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// `{"name", "<metric>", "<metric>_std"…, "splits"}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(attack.rawValue, forKey: Key(stringValue: "name"))
        try container.encode(splits, forKey: Key(stringValue: "splits"))
        for field in AttackMetrics.fields {
            try container.encode(mean[keyPath: field.path], forKey: Key(stringValue: field.name))
            try container.encode(std[keyPath: field.path], forKey: Key(stringValue: field.name + "_std"))
        }
    }
}
