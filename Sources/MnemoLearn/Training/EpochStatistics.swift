/// What one epoch of training measured.
public struct EpochStatistics: Codable, Sendable, Equatable {
    /// The epoch, from 1.
    public let epoch: Int
    /// The learning rate of the epoch, from the schedule.
    public let learningRate: Double
    /// Mean training loss over the epoch's batches, each measured before its update.
    public let meanLoss: Double
    /// Accuracy over the epoch's batches, each measured before its update (it lags the weights).
    public let runningAccuracy: Double
    /// Exact accuracy of the end-of-epoch weights on the subset, where it was measured.
    public let subsetAccuracy: Double?
}
