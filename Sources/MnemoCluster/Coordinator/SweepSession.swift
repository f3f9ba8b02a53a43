import Foundation
import Logging
import MnemoCore
import MnemoLearn
import MnemoStore

/// A sweep ready to be served: its validated spec, its prepared dataset summarised, its tasks
/// registered in the database (finished ones kept, so the same command resumes).
public struct SweepSession: Sendable {
    public let plan: SweepPlan
    public let store: Store
    /// Tasks newly added to the database by this session.
    public let newTasks: Int
    /// Why training on this data may diverge (features far outside [0, 1]), or nil.
    public let dataWarning: String?
    /// This process's hold on the database: one coordinator per database.
    public let lock: DatabaseLock

    /// Validates `sweepFile`, prepares its dataset, and opens (or creates) the database.
    ///
    /// - Parameters:
    ///   - databasePath: nil puts the database beside the sweep file, named after it.
    ///   - newSweep: register the file as a new sweep even if the database holds one of its name.
    /// - Throws: ``SweepFileError``, `DatasetError`, `StoreError` or ``SweepIdentityError``, each naming
    ///   the file at fault; `DatabaseLockError` naming the holder when another coordinator serves the
    ///   database.
    public static func open(
        sweepFile: String, databasePath: String?, newSweep: Bool = false, logger: Logger
    ) throws -> SweepSession {
        let spec = try SweepParser.parse(contentsOf: sweepFile)
        for trial in spec.trials {
            let config: TrainingConfig
            do {
                config = try TrainingConfig(model: trial.model, training: trial.training)
            } catch {
                throw SweepFileError(
                    file: sweepFile, line: nil, column: nil, path: "",
                    expected: "trial \(trial.index) (\(trial.name)): \(error)")
            }
            // Masks are recomputed from (seed, subset), never sent back: a validation split carved out of
            // the subset would make held-out examples count as members and bias every estimate.
            if config.validation?.fraction != nil {
                throw SweepFileError(
                    file: sweepFile, line: nil, column: nil, path: "training.validation.fraction",
                    expected: "a validation split holds out members of each subset, which the estimators would count "
                        + "as trained on; set dataset.validation_size instead (examples outside the studied ones)")
            }
            if config.validation != nil, spec.dataset.validationSize == nil {
                throw SweepFileError(
                    file: sweepFile, line: nil, column: nil, path: "training.validation",
                    expected: "early stopping needs validation examples: set dataset.validation_size")
            }
        }
        let path = databasePath ?? defaultDatabasePath(for: sweepFile)
        let lock = try DatabaseLock.acquire(databasePath: path)
        let started = Date()
        let data = try PreparedDataset.make(spec: spec.dataset, seed: spec.seed, cache: nil)
        logger.info(
            "dataset \(spec.dataset.name): \(data.train.count) train, \(data.test.count) test, \(data.validation?.count ?? 0) validation examples, \(data.flippedIndices.count) planted flips, sha256 \(data.contentHash.prefix(12))… (\(String(format: "%.2f", Date().timeIntervalSince(started)))s)"
        )
        for trial in spec.trials {
            // Settings that depend on the data (a CNN's input shape) are checked here, once, rather than
            // by every worker on every task.
            do {
                try TrainingConfig(model: trial.model, training: trial.training).validate(for: data.train)
            } catch {
                throw SweepFileError(
                    file: sweepFile, line: nil, column: nil, path: "model",
                    expected: "trial \(trial.index) (\(trial.name)) does not fit the dataset: \(error)")
            }
        }
        let dataWarning = FeatureScale(data.train).warning
        if let dataWarning {
            logger.warning("dataset \(spec.dataset.name): \(dataWarning)")
        }
        let summary = DatasetSummary(
            contentHash: data.contentHash, classCount: data.train.classCount, trainLabels: data.train.labels,
            originalTrainLabels: data.originalTrainLabels, testLabels: data.test.labels,
            flippedIndices: data.flippedIndices)
        let store = try Store(path: path)
        let (plan, newTasks) = try SweepPlan.register(
            spec: spec, dataset: summary, engineVersion: Trainer.engineVersion, in: store, newSweep: newSweep)
        return SweepSession(plan: plan, store: store, newTasks: newTasks, dataWarning: dataWarning, lock: lock)
    }

    /// `sweeps/quickstart.yaml` → `sweeps/quickstart.sqlite`.
    public static func defaultDatabasePath(for sweepFile: String) -> String {
        let url = URL(fileURLWithPath: sweepFile)
        return url.deletingPathExtension().appendingPathExtension("sqlite").path
    }
}
