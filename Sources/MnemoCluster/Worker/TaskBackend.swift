import Foundation
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

/// A task a backend finished: its outcome (payload offset still zero) and its bit-packed correctness.
struct FinishedTask: Sendable {
    var outcome: TaskOutcome
    var trainBits: Data
    var testBits: Data
}
