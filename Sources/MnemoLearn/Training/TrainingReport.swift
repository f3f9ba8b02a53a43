/// How a training run went.
public struct TrainingReport: Codable, Sendable, Equatable {
    /// Epochs run.
    public let epochs: Int
    /// Accuracy of the final weights on the training subset (an exact forward pass, not a running mean).
    public let subsetAccuracy: Double
    /// Whether training stopped because `untilTrainAccuracy` was reached.
    public let reachedTarget: Bool
    /// Wall-clock seconds of training, including the subset-accuracy checks.
    public let seconds: Double
    /// One entry per epoch.
    public let history: [EpochStatistics]
}
