import Foundation
import MnemoCore
import MnemoLearn
import MnemoWire

/// What runs a leased task on a worker: the built-in engine now, an external command next. The worker
/// loop knows nothing of training; it hands a backend tasks on a training thread and ships what it
/// returns. Each slot has its own backend value.
protocol TaskBackend {
    /// Runs `task` to completion, to a typed failure, or — when `cancellation` is raised — to nil (the
    /// lease is handed back unfinished). Never throws: every failure is an outcome the coordinator can
    /// classify.
    func run(_ task: LeasedTask, cancellation: TrainingCancellation) -> FinishedTask?
}

/// A task a backend finished: its outcome (payload offset still zero; its `arrays` name what
/// ``arrays`` hold), its bit-packed correctness and its per-example float32 arrays.
struct FinishedTask: Sendable {
    var outcome: TaskOutcome
    var trainBits: Data
    var testBits: Data
    var arrays: [Data] = []

    /// Bytes of its part of a message payload.
    var payloadBytes: Int { trainBits.count + testBits.count + arrays.reduce(0) { $0 + $1.count } }
}

extension FinishedTask {
    /// A task that failed, with no result.
    static func failure(of task: LeasedTask, _ failure: TaskFailure, after seconds: Double) -> FinishedTask {
        FinishedTask(
            outcome: TaskOutcome(
                taskId: task.taskId, attempt: task.attempt, failure: failure, trainCount: 0, testCount: 0,
                payloadOffset: 0, subsetAccuracy: 0, testAccuracy: 0, epochs: 0, seconds: seconds),
            trainBits: Data(), testBits: Data())
    }
}

/// Runs each task on the backend its sweep's `trainer` names: the built-in engine, `noop`, or a command.
struct TrainerBackends: TaskBackend {
    let builtin: BuiltinEngineBackend
    let noop: NoopBackend
    let command: CommandBackend

    init(datasets: PreparedDatasets, cache: TrainerCache, gpu: String?) {
        builtin = BuiltinEngineBackend(datasets: datasets)
        noop = NoopBackend(datasets: datasets)
        command = CommandBackend(datasets: datasets, cache: cache, gpu: gpu)
    }

    func run(_ task: LeasedTask, cancellation: TrainingCancellation) -> FinishedTask? {
        switch task.spec.trainer {
        case nil: builtin.run(task, cancellation: cancellation)
        case .noop: noop.run(task, cancellation: cancellation)
        case .command: command.run(task, cancellation: cancellation)
        }
    }
}
