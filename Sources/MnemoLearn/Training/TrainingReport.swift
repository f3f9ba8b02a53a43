/// How a training run went.
public struct TrainingReport: Codable, Sendable, Equatable {
    /// Epochs run, PAST tuning epochs included.
    public let epochs: Int
    /// Accuracy of the returned weights on the trained examples (an exact forward pass, not a running mean).
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
}
