/// The papers' protocol: select the checkpoint with the best validation accuracy, and optionally stop
/// once it has not improved for `patience` epochs.
///
/// With a `fraction`, the validation examples are held out of the training subset:
/// ⌊fraction · |subset|⌋ (at least one) of it, drawn from the run's seed; they are not trained on,
/// and the report lists them (membership bits must treat them as non-members of the trained set).
/// Without one, they are a separate set given to ``Trainer/train(seed:data:subset:validation:)``
/// (a sweep's `validation_size` examples, outside the studied population). Accuracy is measured on
/// them after every epoch with the weights that would be returned (the SWA mean, when averaging); the
/// earliest best epoch wins ties.
///
/// Encoded as `{"fraction": 0.1, "patience": 20}` (nil fields omitted).
public struct ValidationSplit: Codable, Sendable, Hashable {
    /// The share of the subset held out, in (0, 1); nil when the validation examples are given.
    public var fraction: Double?
    /// Stop after this many epochs without a new best validation accuracy; nil trains on.
    public var patience: Int?

    /// Holds out `fraction` of the subset (or, when nil, uses given validation examples), with early
    /// stopping after `patience` epochs if given.
    public init(fraction: Double?, patience: Int? = nil) {
        self.fraction = fraction
        self.patience = patience
    }

    func validate() throws(TrainingError) {
        if let fraction, !(fraction > 0 && fraction < 1) {
            throw .invalidConfiguration(field: "validation.fraction", problem: "\(fraction) is outside (0, 1)")
        }
        if let patience, patience < 1 {
            throw .invalidConfiguration(field: "validation.patience", problem: "\(patience) is not a positive integer")
        }
    }

    /// How many of `subsetSize` examples a split of `fraction` holds out.
    static func heldOutCount(fraction: Double, subsetSize: Int) -> Int {
        max(1, Int((fraction * Double(subsetSize) + 1e-9).rounded(.down)))
    }
}
