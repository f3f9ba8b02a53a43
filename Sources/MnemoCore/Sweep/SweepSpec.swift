/// A validated sweep file: what to train, on which data, how often, and which grid of trials.
///
/// Build one with ``SweepParser``; every field here has passed validation.
public struct SweepSpec: Codable, Sendable, Equatable {
    /// Human-readable name; also names the default database file.
    public var name: String
    /// The seed every random choice of the sweep derives from (masks, selection, noise, init).
    public var seed: UInt64
    /// Where the examples come from.
    public var dataset: DatasetSpec
    /// The model architecture shared by all trials (a grid may override `hidden`).
    public var model: ModelSpec
    /// Training hyperparameters shared by all trials (the grid overrides some of them).
    public var training: TrainingSpec
    /// How many leave-subset-out runs each trial gets.
    public var estimator: EstimatorSpec
    /// Grid axes in file order; the trials are their cartesian product.
    public var grid: [GridAxis]
    /// Who trains the runs: nil for the built-in engine, otherwise `noop` or the user's command. Left
    /// out of the encoding when nil, so specs and task ids of built-in sweeps are what they were before
    /// the field existed.
    public var trainer: TrainerSpec?
    /// A command trainer's settings (its `training:` and `params:` sections, and `model:` under the key
    /// `model`) as one canonical JSON object; nil for the built-in engine.
    public var params: String?
    /// A command trainer's grid: axes over keys of ``params``; nil for the built-in engine, whose grid
    /// is ``grid``.
    public var paramGrid: [ParamAxis]?
    /// The per-example outputs each run reports beyond correctness, sorted; nil when the sweep asks
    /// for correctness only (left out of the encoding then, so older specs and ids hold).
    public var outputs: [RunOutput]?
    /// How readers analyse the runs (`analysis:`); nil for the defaults. Not part of any run's identity:
    /// changing it never refuses a stored sweep.
    public var analysis: AnalysisSpec?

    /// Every output a run reports: correctness, then ``outputs``.
    public var runOutputs: [RunOutput] { [.correctness] + (outputs ?? []) }

    public init(
        name: String, seed: UInt64, dataset: DatasetSpec, model: ModelSpec, training: TrainingSpec,
        estimator: EstimatorSpec, grid: [GridAxis]
    ) {
        self.name = name
        self.seed = seed
        self.dataset = dataset
        self.model = model
        self.training = training
        self.estimator = estimator
        self.grid = grid
    }
}

extension SweepSpec {
    /// The training subset of run `subset` over `count` examples, as every worker and reader draws it.
    public func mask(subset: Int, count: Int) -> SubsetMask {
        SubsetMask(seed: seed, subset: subset, count: count, ratio: estimator.ratio, scheme: estimator.masks)
    }

    /// The membership bits of run `subset`'s training subset (``SubsetMask/bits(seed:subset:count:ratio:scheme:)``).
    public func membership(subset: Int, count: Int) -> BitVector {
        SubsetMask.bits(seed: seed, subset: subset, count: count, ratio: estimator.ratio, scheme: estimator.masks)
    }
}

/// The dataset section of a sweep.
///
/// Paths are absolute once parsed: ``SweepParser`` resolves relative ones against the folder of the
/// sweep file, so that every process (coordinator, local workers) reads the same files.
public struct DatasetSpec: Codable, Sendable, Equatable {
    /// Dataset family: one of ``DatasetSpec/families``.
    public var name: String
    /// The folder (Fashion-MNIST, CIFAR, Texas-100 text) or file (Purchase-100, `.npz` forms) holding
    /// the data; Fashion-MNIST defaults to where the Debian package installs it. Empty for the
    /// families whose files are in ``files`` and for `synthetic`.
    public var path: String
    /// How many training examples to use (a deterministic selection); nil means all.
    public var trainLimit: Int?
    /// How many test examples to use; nil means all.
    public var testLimit: Int?
    /// Fraction of training labels flipped to another class, recorded so detection can be scored.
    public var labelNoise: Double
    /// Purchase-100 and Texas-100 come as one set: how many examples a seeded split holds out for test.
    public var testCount: Int?
    /// CIFAR-100: the 20 coarse labels instead of the 100 fine ones.
    public var coarseLabels: Bool
    /// How many examples of the training split, outside the `trainLimit` studied ones, every run
    /// uses for best-validation checkpoint selection (and early stopping); nil uses none.
    public var validationSize: Int?
    /// `csv`, `npz`, `npy`: the training and test files and how to read them.
    public var files: DatasetFiles?
    /// `synthetic`: the generator's settings as canonical JSON with the sweep file's keys
    /// (`class_count`, `dimension`, …); the training engine decodes them. Empty for the generator's
    /// defaults.
    public var synthetic: String?
    /// Test examples copied into the training set, both copies given the same random other label (the
    /// calibration's memorization pairs); nil for none (left out of the encoding then).
    public var duplicates: Int?

    public init(
        name: String, path: String, trainLimit: Int?, testLimit: Int?, labelNoise: Double, testCount: Int? = nil,
        coarseLabels: Bool = false, validationSize: Int? = nil, files: DatasetFiles? = nil, synthetic: String? = nil,
        duplicates: Int? = nil
    ) {
        self.name = name
        self.path = path
        self.trainLimit = trainLimit
        self.testLimit = testLimit
        self.labelNoise = labelNoise
        self.testCount = testCount
        self.coarseLabels = coarseLabels
        self.validationSize = validationSize
        self.files = files
        self.synthetic = synthetic
        self.duplicates = duplicates
    }

    /// The dataset families a sweep file may name.
    public static let families = [
        "fashion-mnist", "cifar10", "cifar100", "purchase100", "texas100", "csv", "npz", "npy", "synthetic",
    ]

    /// The families whose examples are in ``files``.
    public static let fileFamilies = ["csv", "npz", "npy"]

    /// Where `dataset-fashion-mnist` installs its IDX files.
    public static let fashionMNISTDefaultPath = "/usr/share/datasets/fashion-mnist"

    /// Where the examples come from, for messages: the path, the training file, or `generated`.
    public var location: String {
        if let files { return files.train }
        return name == "synthetic" ? "generated" : path
    }
}

/// One axis of a command trainer's grid: a key of its settings and the values (canonical JSON) it takes.
public struct ParamAxis: Codable, Sendable, Equatable {
    public var key: String
    public var values: [String]

    public init(key: String, values: [String]) {
        self.key = key
        self.values = values
    }
}

/// The model section: an MLP with ReLU hidden layers, softmax regression (no hidden layers), or a
/// small CNN (its `convolution` settings travel in ``TrainingSpec/engineOptions``).
public struct ModelSpec: Codable, Sendable, Equatable {
    /// `mlp`, `softmax` or `cnn`.
    public var kind: String
    /// Hidden layer widths (of the dense head, for a CNN); empty for softmax regression.
    public var hidden: [Int]

    public init(kind: String, hidden: [Int]) {
        self.kind = kind
        self.hidden = hidden
    }

    /// The model of a sweep whose command trainer defines its own.
    public static let external = ModelSpec(kind: "external", hidden: [])
}

/// Optimisation hyperparameters (SGD with Nesterov momentum and weight decay) and the stopping rule.
public struct TrainingSpec: Codable, Sendable, Equatable {
    public var batchSize: Int
    public var learningRate: Double
    public var momentum: Double
    public var nesterov: Bool
    public var weightDecay: Double
    /// Hard cap on epochs.
    public var maxEpochs: Int
    /// Stop as soon as accuracy on the run's own subset reaches this (memorization needs fitted models).
    public var untilTrainAccuracy: Double?
    /// The engine's further settings (`schedule`, `objective`, `swa`, `past`, `validation`,
    /// `augmentation`, `l1_penalty`, `l2_penalty`, `initialization`, and the model's `convolution`) as
    /// canonical JSON with the sweep file's keys; the training engine decodes and validates them.
    /// Empty when the file sets none.
    public var engineOptions: String

    public init(
        batchSize: Int, learningRate: Double, momentum: Double, nesterov: Bool, weightDecay: Double,
        maxEpochs: Int, untilTrainAccuracy: Double?, engineOptions: String = ""
    ) {
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.maxEpochs = maxEpochs
        self.untilTrainAccuracy = untilTrainAccuracy
        self.engineOptions = engineOptions
    }

    /// The training settings of a sweep whose command trainer reads its own (from its params file).
    public static let external = TrainingSpec(
        batchSize: 0, learningRate: 0, momentum: 0, nesterov: false, weightDecay: 0, maxEpochs: 0,
        untilTrainAccuracy: nil)

    /// Training keys that are passed through to the engine as ``engineOptions``.
    public static let engineOptionKeys = [
        "schedule", "objective", "swa", "past", "validation", "augmentation", "l1_penalty", "l2_penalty",
        "initialization",
    ]
}

/// The estimator section: M subsets per trial, each ⌊ratio·n⌋ examples, drawn by a ``MaskScheme``
/// (Feldman–Zhang); or, with ``MaskScheme/leaveOneOut``, `subsets` seeds of n + 1 runs each.
public struct EstimatorSpec: Codable, Sendable, Equatable {
    public var subsets: Int
    public var ratio: Double
    public var masks: MaskScheme
    /// When the coordinator may end a trial early; nil runs every subset. Not part of any run's
    /// identity: adding or changing it never refuses a stored sweep.
    public var stopWhen: StopRule?

    public init(subsets: Int, ratio: Double, masks: MaskScheme = .random, stopWhen: StopRule? = nil) {
        self.subsets = subsets
        self.ratio = ratio
        self.masks = masks
        self.stopWhen = stopWhen
    }

    enum CodingKeys: String, CodingKey {
        case subsets, ratio, masks
        case stopWhen = "stop_when"
    }

    /// The runs of a trial over `trainCount` training examples: ``subsets``, or for leave-one-out
    /// (where ``subsets`` counts seeds) `subsets · (trainCount + 1)`.
    public func runs(trainCount: Int) -> Int {
        masks == .leaveOneOut ? subsets * (trainCount + 1) : subsets
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        subsets = try container.decode(Int.self, forKey: .subsets)
        ratio = try container.decode(Double.self, forKey: .ratio)
        masks = try container.decodeIfPresent(MaskScheme.self, forKey: .masks) ?? .random
        stopWhen = try container.decodeIfPresent(StopRule.self, forKey: .stopWhen)
    }

    /// Random masks are left out of the encoding, so sweeps stored before schemes existed keep their
    /// canonical form (and their tasks their ids).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(subsets, forKey: .subsets)
        try container.encode(ratio, forKey: .ratio)
        if masks != .random { try container.encode(masks, forKey: .masks) }
        try container.encodeIfPresent(stopWhen, forKey: .stopWhen)
    }
}

/// The `analysis:` section: settings of the readers (`scores`, `compare`, `export`), never of the runs.
public struct AnalysisSpec: Codable, Sendable, Equatable {
    /// The trial whose estimates define the influence-entropy buckets every trial is scored by (the SAM
    /// paper computed them from its SGD models).
    public var referenceTrial: Int

    enum CodingKeys: String, CodingKey {
        case referenceTrial = "reference_trial"
    }

    public init(referenceTrial: Int = 0) {
        self.referenceTrial = referenceTrial
    }
}

/// One axis of the grid: a hyperparameter and the values it takes.
public struct GridAxis: Codable, Sendable, Equatable {
    public var key: GridKey
    public var values: [GridValue]

    public init(key: GridKey, values: [GridValue]) {
        self.key = key
        self.values = values
    }
}

/// The hyperparameters a grid may vary.
public enum GridKey: String, Codable, Sendable, CaseIterable {
    case learningRate = "learning_rate"
    case momentum
    case nesterov
    case weightDecay = "weight_decay"
    case batchSize = "batch_size"
    case maxEpochs = "max_epochs"
    case untilTrainAccuracy = "until_train_accuracy"
    case hidden
    case schedule
    case objective
    case swa
    case past
    case augmentation
    case initialization
    case l1Penalty = "l1_penalty"
    case l2Penalty = "l2_penalty"

    /// Whether the key is one of the engine's further settings (see ``TrainingSpec/engineOptions``).
    public var isEngineOption: Bool { TrainingSpec.engineOptionKeys.contains(rawValue) }
}

/// One value of a grid axis.
public enum GridValue: Codable, Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case integer(Int)
    case flag(Bool)
    case widths([Int])
    /// An engine setting as canonical JSON (`null` removes the setting).
    case engine(String)

    public var description: String {
        switch self {
        case .number(let value): return "\(value)"
        case .integer(let value): return "\(value)"
        case .flag(let value): return "\(value)"
        case .widths(let value): return value.map(String.init).joined(separator: "-")
        case .engine(let json): return json
        }
    }
}

// Databases keep each sweep's spec as JSON; these decoders read specs stored before a field existed,
// giving the field the default a sweep file gets when it leaves the field out.

extension DatasetSpec {
    enum CodingKeys: String, CodingKey {
        case name, path, trainLimit, testLimit, labelNoise, testCount, coarseLabels, validationSize, files, synthetic
        case duplicates
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            path: try container.decode(String.self, forKey: .path),
            trainLimit: try container.decodeIfPresent(Int.self, forKey: .trainLimit),
            testLimit: try container.decodeIfPresent(Int.self, forKey: .testLimit),
            labelNoise: try container.decode(Double.self, forKey: .labelNoise),
            testCount: try container.decodeIfPresent(Int.self, forKey: .testCount),
            coarseLabels: try container.decodeIfPresent(Bool.self, forKey: .coarseLabels) ?? false,
            validationSize: try container.decodeIfPresent(Int.self, forKey: .validationSize),
            files: try container.decodeIfPresent(DatasetFiles.self, forKey: .files),
            synthetic: try container.decodeIfPresent(String.self, forKey: .synthetic),
            duplicates: try container.decodeIfPresent(Int.self, forKey: .duplicates))
    }
}

extension TrainingSpec {
    enum CodingKeys: String, CodingKey {
        case batchSize, learningRate, momentum, nesterov, weightDecay, maxEpochs, untilTrainAccuracy, engineOptions
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            batchSize: try container.decode(Int.self, forKey: .batchSize),
            learningRate: try container.decode(Double.self, forKey: .learningRate),
            momentum: try container.decode(Double.self, forKey: .momentum),
            nesterov: try container.decode(Bool.self, forKey: .nesterov),
            weightDecay: try container.decode(Double.self, forKey: .weightDecay),
            maxEpochs: try container.decode(Int.self, forKey: .maxEpochs),
            untilTrainAccuracy: try container.decodeIfPresent(Double.self, forKey: .untilTrainAccuracy),
            engineOptions: try container.decodeIfPresent(String.self, forKey: .engineOptions) ?? "")
    }
}
