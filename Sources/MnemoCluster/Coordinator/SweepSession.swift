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

    /// Validates `sweepFile`, prepares its dataset, and opens (or creates) the database.
    ///
    /// - Parameter databasePath: nil puts the database beside the sweep file, named after it.
    /// - Throws: ``SweepFileError``, `DatasetError`, `StoreError` or ``SweepMismatchError``, each naming
    ///   the file at fault.
    public static func open(sweepFile: String, databasePath: String?, logger: Logger) throws -> SweepSession {
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
        let started = Date()
        let data = try PreparedDataset.make(spec: spec.dataset, seed: spec.seed, cache: nil)
        logger.info(
            "dataset \(spec.dataset.name): \(data.train.count) train, \(data.test.count) test, \(data.validation?.count ?? 0) validation examples, \(data.flippedIndices.count) planted flips, sha256 \(data.contentHash.prefix(12))… (\(String(format: "%.2f", Date().timeIntervalSince(started)))s)"
        )
        let summary = DatasetSummary(
            contentHash: data.contentHash, classCount: data.train.classCount, trainLabels: data.train.labels,
            originalTrainLabels: data.originalTrainLabels, testLabels: data.test.labels,
            flippedIndices: data.flippedIndices)
        let plan = SweepPlan(spec: spec, dataset: summary, engineVersion: Trainer.engineVersion)
        let store = try Store(path: path)
        let newTasks = try plan.register(in: store)
        return SweepSession(plan: plan, store: store, newTasks: newTasks)
    }

    /// `sweeps/quickstart.yaml` → `sweeps/quickstart.sqlite`.
    public static func defaultDatabasePath(for sweepFile: String) -> String {
        let url = URL(fileURLWithPath: sweepFile)
        return url.deletingPathExtension().appendingPathExtension("sqlite").path
    }
}
