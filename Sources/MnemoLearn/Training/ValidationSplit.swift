/// The papers' protocol: hold out part of the training subset, keep the checkpoint with the best
/// validation accuracy, and optionally stop once it has not improved for `patience` epochs.
///
/// The held-out examples are ⌊fraction · |subset|⌋ (at least one) of the subset, drawn from the
/// run's seed; they are not trained on, and the report lists them (membership bits must treat them
/// as non-members of the trained set). Accuracy is measured on them after every epoch with the
/// weights that would be returned (the SWA mean, when averaging); the earliest best epoch wins ties.
///
/// Encoded as `{"fraction": 0.1, "patience": 20}` (`patience` omitted when nil).
public struct ValidationSplit: Codable, Sendable, Hashable {
    /// The share of the subset held out, in (0, 1).
    public var fraction: Double
    /// Stop after this many epochs without a new best validation accuracy; nil trains on.
    public var patience: Int?

    /// Holds out `fraction` of the subset, with early stopping after `patience` epochs if given.
    public init(fraction: Double, patience: Int? = nil) {
        self.fraction = fraction
        self.patience = patience
    }

    func validate() throws(TrainingError) {
        guard fraction > 0, fraction < 1 else {
            throw .invalidConfiguration(field: "validation.fraction", problem: "\(fraction) is outside (0, 1)")
        }
        if let patience, patience < 1 {
            throw .invalidConfiguration(field: "validation.patience", problem: "\(patience) is not a positive integer")
        }
    }

    /// How many of `subsetSize` examples are held out.
    func heldOutCount(subsetSize: Int) -> Int {
        max(1, Int((fraction * Double(subsetSize) + 1e-9).rounded(.down)))
    }
}
