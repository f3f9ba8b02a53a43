import Crypto
import Foundation

/// Everything a worker needs to run one training task, and nothing it can derive (the mask is
/// recomputed from `sweepSeed`, `subset`, `trainCount` and `ratio`).
///
/// Its ``id`` hashes the canonical JSON of the spec, which includes the dataset's content hash and
/// the engine version: a resubmitted sweep finds its finished tasks, and a changed dataset or engine
/// does not reuse stale ones.
public struct TaskSpec: Codable, Sendable, Equatable {
    public var sweepName: String
    public var sweepSeed: UInt64
    public var trialIndex: Int
    public var subset: Int
    /// Seed of weight initialisation and batch order; shared by all trials of a subset (paired runs).
    public var trainingSeed: UInt64
    public var dataset: DatasetSpec
    /// SHA-256 of the prepared train and test data; a worker refuses the task if its copy differs.
    public var datasetHash: String
    /// Number of training examples n the mask is drawn over.
    public var trainCount: Int
    public var ratio: Double
    public var model: ModelSpec
    public var training: TrainingSpec
    public var engineVersion: String

    public init(
        sweep: SweepSpec, trial: Trial, subset: Int, datasetHash: String, trainCount: Int, engineVersion: String
    ) {
        self.sweepName = sweep.name
        self.sweepSeed = sweep.seed
        self.trialIndex = trial.index
        self.subset = subset
        self.trainingSeed = CounterRNG.value(key: sweep.seed, stream: RandomStream.trainingBase, counter: UInt64(subset))
        self.dataset = sweep.dataset
        self.datasetHash = datasetHash
        self.trainCount = trainCount
        self.ratio = sweep.estimator.ratio
        self.model = trial.model
        self.training = trial.training
        self.engineVersion = engineVersion
    }

    /// The subset this task trains on.
    public var mask: SubsetMask {
        SubsetMask(seed: sweepSeed, subset: subset, count: trainCount, ratio: ratio)
    }

    /// Canonical JSON: sorted keys, so equal specs give equal bytes.
    public func canonicalJSON() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain structs of numbers, strings and arrays cannot fail.
        return (try? encoder.encode(self)) ?? Data()
    }

    /// Hex SHA-256 of ``canonicalJSON()``.
    public var id: String {
        SHA256.hash(data: canonicalJSON()).map { String(format: "%02x", $0) }.joined()
    }
}
