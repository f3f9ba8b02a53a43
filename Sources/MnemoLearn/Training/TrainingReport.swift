/// How a training run went.
public struct TrainingReport: Codable, Sendable, Equatable {
    /// Epochs run, PAST tuning epochs included.
    public let epochs: Int
    /// Accuracy of the returned weights on the trained examples, the subset without its validation
    /// examples (an exact forward pass, not a running mean).
    public let subsetAccuracy: Double
    /// Whether training stopped because `untilTrainAccuracy` was reached.
    public let reachedTarget: Bool
    /// Wall-clock seconds of training, including the accuracy checks.
    public let seconds: Double
    /// One entry per epoch.
    public let history: [EpochStatistics]
    /// Snapshots in the SWA mean the model is evaluated with (0 without SWA, or when PAST tuning
    /// continued from the mean).
    public let averagedSnapshots: Int
    /// The epoch whose weights were kept (before PAST tuning): the best validation epoch with
    /// validation examples, else the last epoch.
    public let selectedEpoch: Int
    /// Validation accuracy of the kept weights, with validation examples.
    public let validationAccuracy: Double?
    /// Indices into the data of the subset examples held out for validation (not trained on), in
    /// subset order; empty without a validation split (and with a separate validation set).
    public let validationIndices: [Int]
    /// Whether training stopped because validation accuracy stopped improving.
    public let stoppedEarly: Bool
}
