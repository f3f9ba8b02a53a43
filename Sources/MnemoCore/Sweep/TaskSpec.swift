import Crypto
import Foundation

/// Everything a worker needs to run one training task, and nothing it can derive (the mask is
/// recomputed from `sweepSeed`, `subset`, `trainCount`, `ratio` and `masks`).
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
    /// The mask scheme; nil for random masks (left out of the canonical JSON, so ids of tasks stored
    /// before schemes existed do not change).
    public var masks: MaskScheme?
    public var model: ModelSpec
    public var training: TrainingSpec
    public var engineVersion: String
    /// The sweep's trainer (nil: the built-in engine).
    public var trainer: TrainerSpec?
    /// A command trainer's settings for this trial (canonical JSON); nil for the built-in engine.
    public var params: String?
    /// The per-example outputs the run reports beyond correctness; nil for correctness only.
    public var outputs: [RunOutput]?

    public init(
        sweep: SweepSpec, trial: Trial, subset: Int, datasetHash: String, trainCount: Int, engineVersion: String
    ) {
        self.sweepName = sweep.name
        self.sweepSeed = sweep.seed
        self.trialIndex = trial.index
        self.subset = subset
        self.trainingSeed = Self.trainingSeed(
            sweepSeed: sweep.seed, subset: Self.seedIndex(subset: subset, masks: sweep.estimator.masks, trainCount: trainCount))
        self.dataset = sweep.dataset
        self.datasetHash = datasetHash
        self.trainCount = trainCount
        self.ratio = sweep.estimator.ratio
        self.masks = sweep.estimator.masks == .random ? nil : sweep.estimator.masks
        self.model = trial.model
        self.training = trial.training
        self.engineVersion = engineVersion
        self.trainer = sweep.trainer
        self.params = trial.params
        self.outputs = sweep.outputs
    }

    /// The training seed of seed index `subset` (see ``seedIndex(subset:masks:trainCount:)``): shared by
    /// every trial, so runs are paired.
    public static func trainingSeed(sweepSeed: UInt64, subset: Int) -> UInt64 {
        CounterRNG.value(key: sweepSeed, stream: RandomStream.trainingBase, counter: UInt64(subset))
    }

    /// Which training seed run `subset` uses: its own for subset masks; for leave-one-out the seed
    /// shared by its n + 1 runs, so they differ only in the example left out.
    public static func seedIndex(subset: Int, masks: MaskScheme?, trainCount: Int) -> Int {
        masks == .leaveOneOut ? subset / (trainCount + 1) : subset
    }

    /// The training seed of this spec's run `subset`.
    public func trainingSeed(ofSubset subset: Int) -> UInt64 {
        Self.trainingSeed(sweepSeed: sweepSeed, subset: Self.seedIndex(subset: subset, masks: masks, trainCount: trainCount))
    }

    /// This spec for another subset of the same trial (the subset and its training seed change).
    public func forSubset(_ subset: Int) -> TaskSpec {
        var spec = self
        spec.subset = subset
        spec.trainingSeed = trainingSeed(ofSubset: subset)
        return spec
    }

    /// The spec's canonical JSON and its hex SHA-256 (the task id), encoding once.
    public func canonicalJSONAndID() -> (json: Data, id: String) {
        let json = canonicalJSON()
        return (json, Hex.sha256(json))
    }

    /// The canonical JSON and id of this spec for each of `subsets`, encoding the spec once: only the
    /// `subset` and `trainingSeed` fields differ between subsets of a trial, so they are spliced into
    /// one encoding. The bytes equal ``forSubset(_:)``'s ``canonicalJSON()`` (checked by a test).
    public func canonicalForms(subsets: Range<Int>) -> [(json: Data, id: String)] {
        let subsetSentinel = -987_654_321
        let seedSentinel = UInt64.max - 987_654_321
        var sentinel = self
        sentinel.subset = subsetSentinel
        sentinel.trainingSeed = seedSentinel
        let text = String(decoding: sentinel.canonicalJSON(), as: UTF8.self)
        // Keys are sorted, so "subset" comes before "trainingSeed".
        let pieces = text.components(separatedBy: "\"subset\":\(subsetSentinel)")
        let tail = pieces.count == 2 ? pieces[1].components(separatedBy: "\"trainingSeed\":\(seedSentinel)") : []
        guard tail.count == 2 else { return subsets.map { forSubset($0).canonicalJSONAndID() } }
        return subsets.map { subset in
            let seed = trainingSeed(ofSubset: subset)
            let json = Data(
                (pieces[0] + "\"subset\":\(subset)" + tail[0] + "\"trainingSeed\":\(seed)" + tail[1]).utf8)
            return (json, Hex.sha256(json))
        }
    }

    /// The id a task of spec id `id` takes in sweep `sweepID`: the spec id itself in the first sweep of
    /// a name (whose id is the name), otherwise a hash of both. Two sweeps of one name (`--new-sweep`)
    /// may have equal specs; their tasks must still be apart.
    public static func taskID(specID id: String, sweepID: String, sweepName: String) -> String {
        guard sweepID != sweepName else { return id }
        return Hex.sha256(Data("\(sweepID)\n\(id)".utf8))
    }

    /// The subset this task trains on.
    public var mask: SubsetMask {
        SubsetMask(seed: sweepSeed, subset: subset, count: trainCount, ratio: ratio, scheme: masks ?? .random)
    }

    /// Canonical JSON of what identifies the run: sorted keys, so equal specs give equal bytes. A
    /// command trainer's operational settings (timeout, retries, GPUs, work folder) are left out: they
    /// change how a run is carried out, not what it computes.
    public func canonicalJSON() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var identity = self
        if let command = trainer?.command {
            identity.trainer = .command(command.identity)
        }
        // Encoding plain structs of numbers, strings and arrays cannot fail.
        return (try? encoder.encode(identity)) ?? Data()
    }

    /// Hex SHA-256 of ``canonicalJSON()``.
    public var id: String {
        Hex.sha256(canonicalJSON())
    }
}
