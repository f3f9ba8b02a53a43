/// Stochastic weight averaging (Izmailov et al. 2018): from `startEpoch` on, the weights at the end
/// of every cycle of `cycle` epochs join a running mean, and the model is evaluated (and returned)
/// with that mean. The model has no normalisation layers, so no statistics need recomputing.
///
/// Learning rate from `startEpoch` on: with `learningRate` α₁ alone, constant α₁ (PyTorch's `SWALR`
/// without annealing; the studies' protocol, one snapshot per epoch); with `minLearningRate` α₂ too,
/// the paper's cyclical rate: in step i (from 1) of each cycle's c·n steps (n steps per epoch),
/// `α(i) = (1 − t)·α₁ + t·α₂` with `t = i / (c·n)`, so a cycle falls linearly from just under α₁ to
/// α₂, and the snapshot is taken at α₂. Without `learningRate` the schedule continues.
///
/// Encoded as `{"start_epoch": 150, "learning_rate": 0.05, "min_learning_rate": 0.005, "cycle": 4}`
/// (`learning_rate` and `min_learning_rate` omitted when nil, `cycle` when 1).
public struct WeightAveraging: Codable, Sendable, Hashable {
    /// The first epoch (from 1) of the first cycle.
    public var startEpoch: Int
    /// α₁: the rate from `startEpoch` on (constant, or each cycle's upper end); nil keeps following
    /// the schedule.
    public var learningRate: Double?
    /// α₂: the rate each cycle falls to, at its snapshot; nil keeps `learningRate` constant.
    public var minLearningRate: Double?
    /// Epochs per cycle c: a snapshot ends every c-th epoch from `startEpoch` on (1: every epoch).
    public var cycle: Int

    /// Averaging from `startEpoch` in cycles of `cycle` epochs, at `learningRate` (falling to
    /// `minLearningRate` within each cycle, if given) from then on.
    public init(startEpoch: Int, learningRate: Double? = nil, minLearningRate: Double? = nil, cycle: Int = 1) {
        self.startEpoch = startEpoch
        self.learningRate = learningRate
        self.minLearningRate = minLearningRate
        self.cycle = cycle
    }

    /// Whether the weights at the end of `epoch` are a snapshot (the epoch ends a cycle).
    func endsCycle(epoch: Int) -> Bool {
        epoch >= startEpoch && (epoch - startEpoch + 1) % cycle == 0
    }

    /// The rate of step `step` (from 0) of the `steps` steps of `epoch`, nil before `startEpoch` or
    /// without a rate of its own (the schedule's then).
    func rate(epoch: Int, step: Int, steps: Int) -> Double? {
        guard epoch >= startEpoch, let high = learningRate else { return nil }
        guard let low = minLearningRate, low != high else { return high }
        let cycleSteps = cycle * steps
        let position = (epoch - startEpoch) % cycle * steps + step + 1
        let t = Double(position) / Double(cycleSteps)
        return (1 - t) * high + t * low
    }

    func validate(maxEpochs: Int) throws(TrainingError) {
        guard startEpoch >= 1, startEpoch <= maxEpochs else {
            throw .invalidConfiguration(field: "swa.start_epoch", problem: "\(startEpoch) is outside 1...\(maxEpochs)")
        }
        if let rate = learningRate, !(rate.isFinite && rate > 0) {
            throw .invalidConfiguration(field: "swa.learning_rate", problem: "\(rate) is not a positive number")
        }
        if let low = minLearningRate {
            guard let high = learningRate else {
                throw .invalidConfiguration(
                    field: "swa.min_learning_rate", problem: "a cyclical rate needs swa.learning_rate, its upper end")
            }
            guard low.isFinite, low > 0, low <= high else {
                throw .invalidConfiguration(
                    field: "swa.min_learning_rate", problem: "\(low) is outside (0, \(high)], up to swa.learning_rate")
            }
        }
        let epochs = maxEpochs - startEpoch + 1
        guard cycle >= 1, cycle <= epochs else {
            throw .invalidConfiguration(
                field: "swa.cycle",
                problem: "\(cycle) is outside 1...\(epochs), the epochs from start_epoch \(startEpoch) to max_epochs \(maxEpochs)")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case startEpoch = "start_epoch"
        case learningRate = "learning_rate"
        case minLearningRate = "min_learning_rate"
        case cycle
    }

    /// Decodes the sweep file's `swa` section; all but `start_epoch` may be left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            startEpoch: try container.decode(Int.self, forKey: .startEpoch),
            learningRate: try container.decodeIfPresent(Double.self, forKey: .learningRate),
            minLearningRate: try container.decodeIfPresent(Double.self, forKey: .minLearningRate),
            cycle: try container.decodeIfPresent(Int.self, forKey: .cycle) ?? 1)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(startEpoch, forKey: .startEpoch)
        try container.encodeIfPresent(learningRate, forKey: .learningRate)
        try container.encodeIfPresent(minLearningRate, forKey: .minLearningRate)
        if cycle != 1 { try container.encode(cycle, forKey: .cycle) }
    }
}
