import MnemoData

/// Hyperparameters of one built-in training run: an MLP or a small CNN trained with SGD on mini-batches.
///
/// The initializer covers the original MLP fields; the other fields have defaults that reproduce
/// plain SGD on an MLP and are set afterwards:
///
/// ```swift
/// var config = TrainingConfig(hiddenSizes: [], learningRate: 0.1, weightDecay: 5e-4, maxEpochs: 200)
/// config.convolution = ConvolutionSpec(inputShape: ImageShape(channels: 3, height: 32, width: 32),
///                                      channels: [32, 64, 128])
/// config.schedule = .papers
/// ```
///
/// Encoded with the sweep file's snake-case keys (`hidden_sizes`, `learning_rate`, `max_epochs`,
/// `until_train_accuracy`, `schedule`, `convolution`, `initialization`, `objective`, `l1_penalty`,
/// `l2_penalty`, `swa`, `past`, `validation`, `augmentation`); nil fields are omitted, and missing
/// keys after `until_train_accuracy` decode to their defaults, so older encodings still decode.
public struct TrainingConfig: Codable, Sendable, Equatable, Hashable {
    /// Widths of the ReLU hidden layers of the MLP, or of the CNN's dense head; empty for softmax
    /// regression (or a CNN whose pooled features feed the logits directly).
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
    /// How η changes over the epochs; constant by default.
    public var schedule: LearningRateSchedule = .constant
    /// A convolutional trunk before the dense layers; nil trains an MLP on the raw features.
    public var convolution: ConvolutionSpec?
    /// How the initial weights are drawn from the seed.
    public var initialization: WeightInitialization = .pytorchDefault
    /// What each step minimises: plain loss, SAM, the sharp-minima objective or SharpReg.
    public var objective: Objective = .standard
    /// λ₁ of the penalty `λ₁ Σ|w|` added to the objective (every parameter, biases included).
    public var l1Penalty: Double = 0
    /// λ₂ of the penalty `λ₂ Σw²` added to the objective (gradient `2λ₂w`; unlike `weightDecay`,
    /// which the optimizer adds as `λ·w`).
    public var l2Penalty: Double = 0
    /// Stochastic weight averaging; nil trains without it.
    public var weightAveraging: WeightAveraging?
    /// PAST tuning after training; nil skips it.
    public var sparsityTuning: SparsityTuning?
    /// A validation split with best-checkpoint selection and optional early stopping; nil trains
    /// on the whole subset and returns the last weights.
    public var validation: ValidationSplit?
    /// Random crops and flips of the training images (CNN only); nil trains on the images as given.
    public var augmentation: ImageAugmentation?

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
        guard maxEpochs + (sparsityTuning?.epochs ?? 0) <= TrainingStream.epochLimit else {
            throw .invalidConfiguration(
                field: "max_epochs", problem: "\(maxEpochs) epochs (with tuning) exceed \(TrainingStream.epochLimit)")
        }
        try schedule.validate()
        try convolution?.validate()
        try objective.validate()
        for (field, value) in [("l1_penalty", l1Penalty), ("l2_penalty", l2Penalty)] where !(value.isFinite && value >= 0) {
            throw .invalidConfiguration(field: field, problem: "\(value) is not a non-negative number")
        }
        try weightAveraging?.validate(maxEpochs: maxEpochs)
        try sparsityTuning?.validate()
        try validation?.validate()
        try augmentation?.validate(convolution: convolution)
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
        case schedule
        case convolution
        case initialization
        case objective
        case l1Penalty = "l1_penalty"
        case l2Penalty = "l2_penalty"
        case weightAveraging = "swa"
        case sparsityTuning = "past"
        case validation
        case augmentation
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSizes = try container.decode([Int].self, forKey: .hiddenSizes)
        learningRate = try container.decode(Double.self, forKey: .learningRate)
        momentum = try container.decode(Double.self, forKey: .momentum)
        nesterov = try container.decode(Bool.self, forKey: .nesterov)
        weightDecay = try container.decode(Double.self, forKey: .weightDecay)
        batchSize = try container.decode(Int.self, forKey: .batchSize)
        maxEpochs = try container.decode(Int.self, forKey: .maxEpochs)
        untilTrainAccuracy = try container.decodeIfPresent(Double.self, forKey: .untilTrainAccuracy)
        schedule = try container.decodeIfPresent(LearningRateSchedule.self, forKey: .schedule) ?? .constant
        convolution = try container.decodeIfPresent(ConvolutionSpec.self, forKey: .convolution)
        initialization =
            try container.decodeIfPresent(WeightInitialization.self, forKey: .initialization) ?? .pytorchDefault
        objective = try container.decodeIfPresent(Objective.self, forKey: .objective) ?? .standard
        l1Penalty = try container.decodeIfPresent(Double.self, forKey: .l1Penalty) ?? 0
        l2Penalty = try container.decodeIfPresent(Double.self, forKey: .l2Penalty) ?? 0
        weightAveraging = try container.decodeIfPresent(WeightAveraging.self, forKey: .weightAveraging)
        sparsityTuning = try container.decodeIfPresent(SparsityTuning.self, forKey: .sparsityTuning)
        validation = try container.decodeIfPresent(ValidationSplit.self, forKey: .validation)
        augmentation = try container.decodeIfPresent(ImageAugmentation.self, forKey: .augmentation)
    }
}

extension TrainingConfig {
    /// The layers this configuration describes for inputs of `inputWidth` features and `classCount` classes.
    func model(inputWidth: Int, classCount: Int) -> Sequential {
        if let convolution {
            Sequential.convolutional(convolution, hiddenWidths: hiddenSizes, classCount: classCount)
        } else {
            Sequential.multilayerPerceptron(inputWidth: inputWidth, hiddenWidths: hiddenSizes, classCount: classCount)
        }
    }

    /// Checks that `data` fits the model: the CNN's input shape must hold exactly one example.
    public func validate(for data: LabeledData) throws(TrainingError) {
        if let shape = convolution?.inputShape, shape.count != data.dimension {
            throw .invalidConfiguration(
                field: "convolution.input_shape",
                problem: "\(shape) images have \(shape.count) values, the data's examples \(data.dimension)")
        }
    }
}
