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

/// What one epoch of training measured.
public struct EpochStatistics: Codable, Sendable, Equatable {
    /// The epoch, from 1.
    public let epoch: Int
    /// Mean training loss over the epoch's batches, each measured before its update.
    public let meanLoss: Double
    /// Accuracy over the epoch's batches, each measured before its update (it lags the weights).
    public let runningAccuracy: Double
    /// Exact accuracy of the end-of-epoch weights on the subset, where it was measured.
    public let subsetAccuracy: Double?
}
