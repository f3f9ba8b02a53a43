import Foundation
import MnemoCore
import MnemoData
import MnemoLearn
import MnemoWire

/// The `noop` trainer: returns at once, with every example counted wrong, a result of the sweep's
/// sizes. It takes the orchestrator's whole path (lease, result with payload, commit, acknowledgement)
/// without training, so benchmarks measure the orchestrator alone. The dataset is still prepared (once
/// per worker) for its sizes and its content hash check.
struct NoopBackend: TaskBackend {
    let datasets: PreparedDatasets

    func run(_ task: LeasedTask, cancellation: TrainingCancellation) -> FinishedTask? {
        let trainCount: Int
        let testCount: Int
        let classes: Int
        do {
            let (data, _) = try datasets.dataset(for: task.spec, cancellation: cancellation)
            (trainCount, testCount, classes) = (data.train.count, data.test.count, data.train.classCount)
        } catch {
            if error is DatasetFetchCancelled { return nil }
            return .failure(of: task, TaskFailure(.infrastructure, "\(error)"), after: 0)
        }
        var outcome = TaskOutcome(
            taskId: task.taskId, attempt: task.attempt, failure: nil, trainCount: trainCount, testCount: testCount,
            payloadOffset: 0, subsetAccuracy: 0, testAccuracy: 0, epochs: 0, seconds: 0)
        let arrays = RunOutputArrays.zeros(task.spec.outputs ?? [], trainCount: trainCount, testCount: testCount, classes: classes)
        outcome.arrays = arrays.headers.isEmpty ? nil : arrays.headers
        return FinishedTask(
            outcome: outcome, trainBits: BitVector(count: trainCount).data, testBits: BitVector(count: testCount).data,
            arrays: arrays.data)
    }
}
