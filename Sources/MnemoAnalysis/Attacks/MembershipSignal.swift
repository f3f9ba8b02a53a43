import MnemoCore

/// A per-example quantity a membership attack reads from a run, derived from whatever the sweep's
/// `outputs:` stored (see ``StoredOutputs/signal(_:)``).
///
/// Each signal lists the stored outputs it can be derived from, best first: logits when stored (every
/// derivation in float64), then the narrower outputs. The LiRA statistic is never derived from a stored
/// float32 probability or confidence: `log(p / (1 − p))` of a float32 `p` near 1 has no precision left.
public enum MembershipSignal: String, CaseIterable, Sendable, Hashable {
    /// Whether the prediction was right (1) or not (0): always stored.
    case correctness
    /// The softmax probability of the label, `p_y`.
    case confidence
    /// The cross-entropy of the label, `−log p_y`.
    case loss
    /// The entropy of the probability vector, `−Σ p_i log p_i`.
    case entropy
    /// Song & Mittal's modified entropy, `−(1 − p_y) log p_y − Σ_{i≠y} p_i log(1 − p_i)`.
    case modifiedEntropy
    /// Carlini et al.'s logit-scaled confidence, `log(p_y / (1 − p_y)) = z_y − logsumexp_{i≠y} z_i`:
    /// LiRA's statistic.
    case scaledLogit
    /// The run's `label_only` output as stored (``LabelOnlyKind``): robustness to augmentations or to
    /// feature flips.
    case labelOnly

    /// The stored outputs it can be derived from, in the order they are tried.
    public var sources: [RunOutput] {
        switch self {
        case .correctness: [.correctness]
        case .confidence: [.logits, .confidence, .probability, .loss]
        case .loss: [.logits, .loss, .confidence, .probability]
        case .entropy, .modifiedEntropy: [.logits, .probability]
        case .scaledLogit: [.logits, .loss]
        case .labelOnly: [.labelOnly]
        }
    }

    /// The stored output it is derived from when a sweep stored `outputs`, or nil when none fits.
    public func source(in outputs: Set<RunOutput>) -> RunOutput? {
        sources.first(where: outputs.contains)
    }

    /// What a sweep must store for it, as a sweep file's `outputs:` would say it ("logits or loss").
    public var needs: String {
        sources.map(\.rawValue).joined(separator: " or ")
    }
}
