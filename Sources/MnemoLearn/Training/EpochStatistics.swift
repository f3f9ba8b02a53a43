/// What one epoch of training measured.
public struct EpochStatistics: Codable, Sendable, Equatable {
    /// The epoch, from 1; PAST tuning epochs continue the numbering.
    public let epoch: Int
    /// The learning rate of the epoch, from the schedule (or SWA's or PAST's rate); of its first step
    /// when SWA's rate is cyclical.
    public let learningRate: Double
    /// Mean training loss over the epoch's batches, each measured before its update (penalties excluded).
    public let meanLoss: Double
    /// Accuracy over the epoch's batches, each measured before its update (it lags the weights).
    public let runningAccuracy: Double
    /// Exact accuracy of the end-of-epoch weights on the trained examples, where it was measured.
    public let subsetAccuracy: Double?
    /// Accuracy of the end-of-epoch weights on the validation examples, when there are any.
    public let validationAccuracy: Double?
    /// For a PAST tuning epoch, the member/non-member loss gap G measured before it.
    public let lossGap: Double?

    init(
        epoch: Int, learningRate: Double, meanLoss: Double, runningAccuracy: Double, subsetAccuracy: Double?,
        validationAccuracy: Double? = nil, lossGap: Double? = nil
    ) {
        self.epoch = epoch
        self.learningRate = learningRate
        self.meanLoss = meanLoss
        self.runningAccuracy = runningAccuracy
        self.subsetAccuracy = subsetAccuracy
        self.validationAccuracy = validationAccuracy
        self.lossGap = lossGap
    }
}
