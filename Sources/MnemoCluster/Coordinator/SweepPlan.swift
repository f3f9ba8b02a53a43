import Foundation
import MnemoCore
import MnemoStore

/// The tasks of a sweep, expanded from its spec and its prepared dataset: every trial × every subset.
public struct SweepPlan: Sendable {
    public let spec: SweepSpec
    public let trials: [Trial]
    public let dataset: DatasetSummary
    /// All tasks, trial-major then subset order.
    public let tasks: [TaskSpec]

    public init(spec: SweepSpec, dataset: DatasetSummary, engineVersion: String) {
        self.spec = spec
        self.trials = spec.trials
        self.dataset = dataset
        self.tasks = trials.flatMap { trial in
            (0..<spec.estimator.subsets).map { subset in
                TaskSpec(
                    sweep: spec, trial: trial, subset: subset, datasetHash: dataset.contentHash,
                    trainCount: dataset.trainLabels.count, engineVersion: engineVersion)
            }
        }
    }

    /// Records the sweep, its trials, the dataset summary and any task not yet stored. Finished tasks are
    /// kept as they are, so running the same sweep again resumes it.
    ///
    /// - Returns: how many tasks were new.
    /// - Throws: ``SweepMismatchError`` if the database already holds a different sweep of this name.
    @discardableResult
    public func register(in store: Store) throws -> Int {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let canonical = String(decoding: try encoder.encode(spec), as: UTF8.self)
        if let existing = try store.sweep(id: spec.name) {
            let stored = try? JSONDecoder().decode(SweepSpec.self, from: Data(existing.specYAML.utf8))
            guard stored == spec else { throw SweepMismatchError(name: spec.name, databasePath: store.path) }
        } else {
            try store.registerSweep(
                SweepRecord(id: spec.name, name: spec.name, specYAML: canonical, seed: spec.seed, createdAt: Date()))
        }
        try store.insertTrials(
            trials.map { trial in
                let params = String(decoding: (try? encoder.encode(trial)) ?? Data(), as: UTF8.self)
                return TrialRecord(sweepID: spec.name, trialIndex: trial.index, name: trial.name, paramsJSON: params)
            })
        try store.putArtifact(
            sweepID: spec.name, name: DatasetSummary.artifactName, data: try JSONEncoder().encode(dataset))
        let now = Date()
        return try store.insertTasksIfAbsent(
            tasks.map { task in
                TaskRecord(
                    id: task.id, sweepID: spec.name, trialIndex: task.trialIndex, subsetIndex: task.subset,
                    seed: task.trainingSeed, specJSON: String(decoding: task.canonicalJSON(), as: UTF8.self),
                    createdAt: now)
            })
    }
}

/// The database already holds a sweep of the same name with other settings; mixing them would
/// combine results of different experiments.
public struct SweepMismatchError: Error, CustomStringConvertible {
    public let name: String
    public let databasePath: String

    public var description: String {
        "database \(databasePath) already holds sweep '\(name)' with different settings; "
            + "restore the original file, rename the sweep, or use another --db"
    }
}
