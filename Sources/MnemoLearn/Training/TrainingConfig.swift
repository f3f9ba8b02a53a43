/// Hyperparameters of one built-in training run: an MLP trained with SGD on mini-batches.
///
/// Encoded with the sweep file's snake-case keys (`hidden_sizes`, `learning_rate`, `max_epochs`,
/// `until_train_accuracy`, …); `until_train_accuracy` is omitted when nil.
public struct TrainingConfig: Codable, Sendable, Equatable, Hashable {
    /// Widths of the ReLU hidden layers; empty for softmax regression.
    public var hiddenSizes: [Int]
    /// SGD step size η.
    public var learningRate: Double
    /// Momentum μ in [0, 1).
    public var momentum: Double
    /// Nesterov momentum (needs μ > 0).
    public var nesterov: Bool
    /// L2 weight decay λ ≥ 0, added to the gradient as λ·w.
    public var weightDecay: Double
    /// Examples per mini-batch; the last batch of an epoch may be smaller.
    public var batchSize: Int
    /// Upper bound on the number of epochs.
    public var maxEpochs: Int
    /// Stop as soon as accuracy on the training subset reaches this value, in (0, 1]; nil trains
    /// for `maxEpochs`.
    public var untilTrainAccuracy: Double?

    /// A configuration; check it with ``validate()`` (``Trainer/init(config:)`` does).
    public init(
        hiddenSizes: [Int], learningRate: Double, momentum: Double = 0.9, nesterov: Bool = true,
        weightDecay: Double = 0, batchSize: Int = 128, maxEpochs: Int, untilTrainAccuracy: Double? = nil
    ) {
        self.hiddenSizes = hiddenSizes
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.batchSize = batchSize
        self.maxEpochs = maxEpochs
        self.untilTrainAccuracy = untilTrainAccuracy
    }

    /// Checks every field's range.
    ///
    /// - Throws: ``TrainingError`` naming the first invalid field and what it allows.
    public func validate() throws(TrainingError) {
        if let bad = hiddenSizes.first(where: { $0 < 1 }) {
            throw .invalidConfiguration(field: "hidden_sizes", problem: "width \(bad) is not a positive integer")
        }
        guard learningRate.isFinite, learningRate > 0 else {
            throw .invalidConfiguration(field: "learning_rate", problem: "\(learningRate) is not a positive number")
        }
        guard momentum >= 0, momentum < 1 else {
            throw .invalidConfiguration(field: "momentum", problem: "\(momentum) is outside [0, 1)")
        }
        guard !nesterov || momentum > 0 else {
            throw .invalidConfiguration(field: "nesterov", problem: "Nesterov momentum needs momentum > 0")
        }
        guard weightDecay.isFinite, weightDecay >= 0 else {
            throw .invalidConfiguration(field: "weight_decay", problem: "\(weightDecay) is not a non-negative number")
        }
        guard batchSize >= 1 else {
            throw .invalidConfiguration(field: "batch_size", problem: "\(batchSize) is not a positive integer")
        }
        guard maxEpochs >= 1 else {
            throw .invalidConfiguration(field: "max_epochs", problem: "\(maxEpochs) is not a positive integer")
        }
        if let target = untilTrainAccuracy, !(target > 0 && target <= 1) {
            throw .invalidConfiguration(field: "until_train_accuracy", problem: "\(target) is outside (0, 1]")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case hiddenSizes = "hidden_sizes"
        case learningRate = "learning_rate"
        case momentum
        case nesterov
        case weightDecay = "weight_decay"
        case batchSize = "batch_size"
        case maxEpochs = "max_epochs"
        case untilTrainAccuracy = "until_train_accuracy"
    }
}
