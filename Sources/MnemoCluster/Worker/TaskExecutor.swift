import Foundation
import MnemoCore
import MnemoLearn
import MnemoWire

/// Runs one leased task with the built-in engine: prepares (or reuses) the sweep's dataset, checks its
/// content hash, derives the mask, trains, and evaluates every train and test example.
struct TaskExecutor {
    /// A finished task: its outcome (payload offset still zero) and its bit-packed correctness.
    struct Finished: Sendable {
        var outcome: TaskOutcome
        var trainBits: Data
        var testBits: Data
    }

    /// The dataset of the last task, by content hash: a worker keeps one sweep's examples in memory.
    private var prepared: (hash: String, data: PreparedDataset)?

    /// Trains `task`; every failure becomes an outcome with a reason, never a thrown error, so that
    /// the coordinator can count it against the task's failure budget.
    mutating func run(_ task: LeasedTask) -> Finished {
        let start = Date()
        do {
            let data = try dataset(for: task.spec)
            let spec = task.spec
            let model = try Trainer(config: TrainingConfig(model: spec.model, training: spec.training)).train(
                seed: spec.trainingSeed, data: data.train, subset: spec.mask.members, validation: data.validation)
            let train = model.evaluate(data.train)
            let test = model.evaluate(data.test)
            let outcome = TaskOutcome(
                taskId: task.taskId, attempt: task.attempt, failure: nil, trainCount: data.train.count,
                testCount: data.test.count, payloadOffset: 0, subsetAccuracy: model.report.subsetAccuracy,
                testAccuracy: test.accuracy, epochs: model.report.epochs, seconds: Date().timeIntervalSince(start))
            return Finished(outcome: outcome, trainBits: BitVector(train.correct).data, testBits: BitVector(test.correct).data)
        } catch {
            let outcome = TaskOutcome(
                taskId: task.taskId, attempt: task.attempt, failure: "\(error)", trainCount: 0, testCount: 0,
                payloadOffset: 0, subsetAccuracy: 0, testAccuracy: 0, epochs: 0,
                seconds: Date().timeIntervalSince(start))
            return Finished(outcome: outcome, trainBits: Data(), testBits: Data())
        }
    }

    private mutating func dataset(for spec: TaskSpec) throws -> PreparedDataset {
        if let prepared, prepared.hash == spec.datasetHash { return prepared.data }
        prepared = nil
        let data = try PreparedDataset.make(spec: spec.dataset, seed: spec.sweepSeed, cache: nil)
        guard data.contentHash == spec.datasetHash else {
            throw DatasetMismatchError(
                location: spec.dataset.location, expected: spec.datasetHash, found: data.contentHash)
        }
        prepared = (spec.datasetHash, data)
        return data
    }
}

/// This worker's copy of the dataset differs from the coordinator's: training on it would mix
/// different data into one estimate.
struct DatasetMismatchError: Error, CustomStringConvertible {
    let location: String
    let expected: String
    let found: String

    var description: String {
        "dataset at \(location) has content hash \(found.prefix(16))…, the sweep expects \(expected.prefix(16))…; "
            + "install the same dataset version on every worker"
    }
}
