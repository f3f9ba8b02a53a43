/// Stochastic weight averaging (Izmailov et al.): from `startEpoch` on, the weights at the end of
/// every epoch join a running mean, and the model is evaluated (and returned) with that mean.
/// The model has no normalisation layers, so no statistics need recomputing.
///
/// Encoded as `{"start_epoch": 150, "learning_rate": 0.05}` (`learning_rate` omitted when nil).
public struct WeightAveraging: Codable, Sendable, Hashable {
    /// The first epoch (from 1) whose end-of-epoch weights are averaged.
    public var startEpoch: Int
    /// A constant learning rate from `startEpoch` on (PyTorch's `SWALR` without annealing); nil
    /// keeps following the schedule.
    public var learningRate: Double?

    /// Averaging from `startEpoch`, optionally at a constant `learningRate` from then on.
    public init(startEpoch: Int, learningRate: Double? = nil) {
        self.startEpoch = startEpoch
        self.learningRate = learningRate
    }

    func validate(maxEpochs: Int) throws(TrainingError) {
        guard startEpoch >= 1, startEpoch <= maxEpochs else {
            throw .invalidConfiguration(field: "swa.start_epoch", problem: "\(startEpoch) is outside 1...\(maxEpochs)")
        }
        if let rate = learningRate, !(rate.isFinite && rate > 0) {
            throw .invalidConfiguration(field: "swa.learning_rate", problem: "\(rate) is not a positive number")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case startEpoch = "start_epoch"
        case learningRate = "learning_rate"
    }
}
