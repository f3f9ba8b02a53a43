import Foundation
import MnemoCore
import MnemoStore
import MnemoWire

/// A registered sweep: its spec, its trials under the indices the database gave them, and its dataset
/// summary, from which the spec of any of its tasks (trial × subset) is built.
public struct SweepPlan: Sendable {
    /// The sweep's id in the database (the name for the first sweep of a name; ids are not names).
    public let sweepID: String
    public let spec: SweepSpec
    /// The trials, each under its stored index (new trials take the next free ones).
    public let trials: [Trial]
    public let dataset: DatasetSummary
    private let engineVersion: String
    private let trialsByIndex: [Int: Trial]

    init(sweepID: String, spec: SweepSpec, trials: [Trial], dataset: DatasetSummary, engineVersion: String) {
        self.sweepID = sweepID
        self.spec = spec
        self.trials = trials
        self.dataset = dataset
        self.engineVersion = engineVersion
        self.trialsByIndex = Dictionary(trials.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The per-example arrays each result must carry, by name, with their shapes.
    var expectedArrays: [String: [Int]] {
        var arrays: [String: [Int]] = [:]
        for output in spec.outputs ?? [] {
            arrays[output.arrayName("train")] = output.shape(count: dataset.trainLabels.count, classes: dataset.classCount)
            arrays[output.arrayName("test")] = output.shape(count: dataset.testLabels.count, classes: dataset.classCount)
        }
        return arrays
    }

    /// The largest frame a legal message of this sweep can have: a batch of results (one per task a
    /// worker may hold; workers split batches larger than ``ResultMessages/maxPayloadBytes``, so a
    /// message holds one result at least), or the largest header.
    public func largestMessage(maxBatch: Int) -> Int {
        let bits = (dataset.trainLabels.count + 7) / 8 + (dataset.testLabels.count + 7) / 8
        let perResult = bits + expectedArrays.values.reduce(0) { $0 + 4 * $1.reduce(1, *) }
        let batch = min(perResult * maxBatch, max(perResult, ResultMessages.maxPayloadBytes))
        return min(max(FrameLimits.default.maxHeaderBytes, batch + 4096), FrameLimits.default.maxFrameBytes)
    }

    /// The spec of one task of this sweep, or nil for a trial it does not have.
    public func taskSpec(trial: Int, subset: Int) -> TaskSpec? {
        trialsByIndex[trial].map { trial in
            TaskSpec(
                sweep: spec, trial: trial, subset: subset, datasetHash: dataset.contentHash,
                trainCount: dataset.trainLabels.count, engineVersion: engineVersion)
        }
    }

    /// Registers `spec` in `store` and returns its plan, with how many tasks were new.
    ///
    /// Sweep files match stored sweeps by name (the newest of that name). The same spec resumes the
    /// stored sweep. A grown spec (more subsets, more grid values) adds only the new tasks: finished
    /// runs are reused, existing trials keep their indices and new trials take the next ones. A changed
    /// dataset, or any other change, is refused — unless `newSweep`, which registers a new sweep beside
    /// the old one. A spec change never deletes stored runs.
    ///
    /// - Throws: ``SweepIdentityError`` naming what differs, or ``StoreError``.
    public static func register(
        spec: SweepSpec, dataset: DatasetSummary, engineVersion: String, in store: Store, newSweep: Bool
    ) throws -> (plan: SweepPlan, newTasks: Int) {
        let sameName = try store.sweeps().filter { $0.name == spec.name }
        let plan: SweepPlan
        if let existing = sameName.last, !newSweep {
            let storedHash = try datasetHash(of: existing, in: store)
            guard storedHash == dataset.contentHash else {
                throw SweepIdentityError(
                    name: spec.name, databasePath: store.path,
                    reason: .datasetChanged(stored: storedHash, current: dataset.contentHash))
            }
            let stored = try JSONDecoder().decode(SweepSpec.self, from: Data(existing.specYAML.utf8))
            let differences = SweepGrowth.refusedChanges(from: stored, to: spec)
            guard differences.isEmpty else {
                throw SweepIdentityError(
                    name: spec.name, databasePath: store.path, reason: .settingsChanged(differences))
            }
            let storedTrials = try store.trials(sweepID: existing.id)
            plan = SweepPlan(
                sweepID: existing.id, spec: spec, trials: reindex(spec.trials, keeping: storedTrials),
                dataset: dataset, engineVersion: engineVersion)
            try store.updateSweepSpec(
                id: existing.id, specYAML: try canonical(spec), datasetSHA256: dataset.contentHash, registering: plan.marker)
        } else {
            let taken = Set(try store.sweeps().map(\.id))
            var id = spec.name
            var number = 1
            while taken.contains(id) {
                number += 1
                id = "\(spec.name)-\(number)"
            }
            plan = SweepPlan(sweepID: id, spec: spec, trials: spec.trials, dataset: dataset, engineVersion: engineVersion)
            try store.registerSweep(
                SweepRecord(
                    id: id, name: spec.name, specYAML: try canonical(spec), seed: spec.seed, createdAt: Date(),
                    datasetSHA256: dataset.contentHash),
                registering: plan.marker)
        }
        return (plan, try plan.storeTrialsAndTasks(in: store))
    }

    /// The plan of a sweep stored in `store`, from what was recorded when it was registered (its spec,
    /// trials, dataset summary and engine version), without preparing its data again.
    ///
    /// - Throws: ``SweepLoadError`` when something recorded is missing, or ``StoreError``.
    public static func load(sweepID: String, from store: Store) throws -> SweepPlan {
        try load(sweepID: sweepID, from: store, engineVersion: nil)
    }

    /// ``load(sweepID:from:)``, with the engine version given (a registration in progress may have
    /// stored no task yet) or read from the first task.
    private static func load(sweepID: String, from store: Store, engineVersion given: String?) throws -> SweepPlan {
        guard let record = try store.sweep(id: sweepID) else {
            throw SweepLoadError(sweepID: sweepID, databasePath: store.path, missing: "the sweep")
        }
        let decoder = JSONDecoder()
        let spec = try decoder.decode(SweepSpec.self, from: Data(record.specYAML.utf8))
        let trials = try store.trials(sweepID: sweepID).map { try decoder.decode(Trial.self, from: Data($0.paramsJSON.utf8)) }
        guard let artifact = try store.artifact(sweepID: sweepID, name: DatasetSummary.artifactName) else {
            throw SweepLoadError(sweepID: sweepID, databasePath: store.path, missing: "its dataset summary")
        }
        let engineVersion: String
        if let given {
            engineVersion = given
        } else {
            guard let task = try store.firstTask(sweepID: sweepID) else {
                throw SweepLoadError(sweepID: sweepID, databasePath: store.path, missing: "its tasks")
            }
            engineVersion = try decoder.decode(TaskSpec.self, from: Data(task.specJSON.utf8)).engineVersion
        }
        return SweepPlan(
            sweepID: sweepID, spec: spec, trials: trials, dataset: try decoder.decode(DatasetSummary.self, from: artifact),
            engineVersion: engineVersion)
    }

    /// The dataset hash a stored sweep was registered with (databases written before hashes were kept
    /// in the sweep row have it in the dataset artifact).
    private static func datasetHash(of sweep: SweepRecord, in store: Store) throws -> String {
        if !sweep.datasetSHA256.isEmpty { return sweep.datasetSHA256 }
        guard let artifact = try store.artifact(sweepID: sweep.id, name: DatasetSummary.artifactName) else { return "" }
        return try JSONDecoder().decode(DatasetSummary.self, from: artifact).contentHash
    }

    /// The spec's trials under the indices stored for the same parameter values; new ones take the
    /// next free indices in grid order.
    private static func reindex(_ trials: [Trial], keeping stored: [TrialRecord]) -> [Trial] {
        let storedIndex = Dictionary(stored.map { ($0.name, $0.trialIndex) }, uniquingKeysWith: { first, _ in first })
        var next = (stored.map(\.trialIndex).max() ?? -1) + 1
        return trials.map { trial in
            if let index = storedIndex[trial.name] { return trial.reindexed(to: index) }
            defer { next += 1 }
            return trial.reindexed(to: next)
        }
    }

    private static func canonical<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The marker of this plan's registration: every task of every trial.
    var marker: RegistrationMarker {
        let runs = spec.estimator.runs(trainCount: dataset.trainLabels.count)
        return RegistrationMarker(engineVersion: engineVersion, tasks: runs * trials.count, runsPerTrial: runs)
    }

    /// Tasks stored per transaction: each one short, so a registration of a million tasks on another
    /// thread leaves the database to the coordinator's commits between its chunks, and memory holds one
    /// chunk of task specs at a time.
    static let registrationChunk = 10_000

    /// Records the trials, the dataset summary and any task not yet stored, in chunks, then removes the
    /// ``RegistrationMarker`` that the sweep's row (or its grown spec) was stored with (a coordinator
    /// that stops in the middle finishes the job when it serves the database again:
    /// ``resumeRegistration(sweepID:from:)``); finished tasks are kept.
    private func storeTrialsAndTasks(in store: Store) throws -> Int {
        let subsets = 0..<marker.runsPerTrial
        try store.insertTrials(
            trials.map { trial in
                TrialRecord(
                    sweepID: sweepID, trialIndex: trial.index, name: trial.name,
                    paramsJSON: (try? Self.canonical(trial)) ?? "{}")
            })
        try store.putArtifact(sweepID: sweepID, name: DatasetSummary.artifactName, data: try JSONEncoder().encode(dataset))
        let now = Date()
        var inserted = 0
        for trial in trials {
            guard let template = taskSpec(trial: trial.index, subset: 0) else { continue }
            for start in stride(from: subsets.lowerBound, to: subsets.upperBound, by: Self.registrationChunk) {
                let chunk = start..<min(start + Self.registrationChunk, subsets.upperBound)
                inserted += try store.insertTasksIfAbsent(
                    zip(chunk, template.canonicalForms(subsets: chunk)).map { subset, form in
                        TaskRecord(
                            id: TaskSpec.taskID(specID: form.id, sweepID: sweepID, sweepName: spec.name), sweepID: sweepID,
                            trialIndex: trial.index, subsetIndex: subset, seed: template.trainingSeed(ofSubset: subset),
                            specJSON: String(decoding: form.json, as: UTF8.self), createdAt: now)
                    })
            }
        }
        try store.endRegistration(sweepID: sweepID)
        return inserted
    }

    /// Finishes the registration of a sweep whose coordinator stopped while storing its tasks, from
    /// what it recorded first (spec, trials, dataset summary, engine version); nil when the sweep's
    /// registration is complete.
    ///
    /// - Returns: the plan and how many tasks were still missing.
    /// - Throws: ``SweepLoadError`` when something recorded is missing, or ``StoreError``.
    public static func resumeRegistration(sweepID: String, from store: Store) throws -> (plan: SweepPlan, newTasks: Int)? {
        guard let marker = try store.registrationInProgress(sweepID: sweepID) else { return nil }
        let plan = try load(sweepID: sweepID, from: store, engineVersion: marker.engineVersion)
        return (plan, try plan.storeTrialsAndTasks(in: store))
    }
}

/// A stored sweep cannot be served: part of what registration recorded is missing.
public struct SweepLoadError: Error, CustomStringConvertible {
    public let sweepID: String
    public let databasePath: String
    public let missing: String

    public var description: String {
        "cannot serve sweep \(sweepID) of \(databasePath): \(missing) is not in the database"
    }
}
