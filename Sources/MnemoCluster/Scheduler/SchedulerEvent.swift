import MnemoStore
import MnemoWire

/// Something that happened, as the ``Scheduler`` sees it: a decoded message, a clock tick or an admin
/// request. Events carry values only; the scheduler does no I/O.
public enum SchedulerEvent: Sendable {
    /// A sweep to serve, with its tasks that are not done and its per-trial task counts.
    case submit(SweepSubmission)
    /// A worker (re)introduced itself, listing the tasks (and attempts) its process still holds.
    case hello(worker: String, host: String, pid: Int32, running: [TaskAttempt], gpus: Int = 0)
    /// A worker can hold `capacity` tasks at once.
    case ready(worker: String, capacity: Int)
    /// A worker is alive and holds these tasks.
    case heartbeat(worker: String, running: [String])
    /// A worker reports finished tasks (results whose sizes the caller checked) and failures.
    case results(worker: String, outcomes: [ReportedOutcome])
    /// A worker leaves, handing these leases back.
    case bye(worker: String, released: [String])
    /// A worker's process is known to have died (local mode saw it exit).
    case died(worker: String, reason: String)
    /// Time passed: expire silent workers and leases, lease what is pending.
    case tick
    /// Withdraw a sweep's (or one trial's) unfinished tasks; `reason` is recorded on them (nil for an
    /// admin's cancel).
    case cancel(sweep: String, trial: Int?, reason: String? = nil)
    /// Make quarantined and cancelled tasks pending again with a fresh budget.
    case retry(sweep: String?, trial: Int?, reason: String?)
    /// Take no more leases to this worker; it finishes what it holds and leaves.
    case drain(worker: String)
}

/// One outcome inside a `results` event.
public enum ReportedOutcome: Sendable, Equatable {
    /// Correctness vectors (already checked against the sweep's sizes) for `record.taskID`.
    case result(ResultRecord)
    /// The task failed with a typed failure.
    case failure(taskID: String, attempt: Int, kind: FailureKind, reason: String)
    /// The task's result did not fit its sweep (sizes, payload bounds); it is acknowledged and dropped.
    case malformed(taskID: String, attempt: Int)

    var taskID: String {
        switch self {
        case .result(let record): record.taskID
        case .failure(let taskID, _, _, _), .malformed(let taskID, _): taskID
        }
    }
}

/// A sweep handed to the scheduler: identity, priority, and where each of its tasks stands.
public struct SweepSubmission: Sendable {
    public var id: String
    public var name: String
    public var priority: Int
    /// Every trial's index with its number of done tasks (tasks that will never be loaded).
    public var doneByTrial: [Int: Int]
    /// Every task that is not done, in lease order.
    public var open: [OpenTask]
    /// How often a task whose run failed deterministically is tried again (a command trainer's
    /// `retries`); 0 quarantines it at the first such failure.
    public var retries: Int
    /// GPUs each task needs (a command trainer's `requires: {gpus: N}`).
    public var gpus: Int

    public init(
        id: String, name: String, priority: Int, doneByTrial: [Int: Int], open: [OpenTask], retries: Int = 0, gpus: Int = 0
    ) {
        self.id = id
        self.name = name
        self.priority = priority
        self.doneByTrial = doneByTrial
        self.open = open
        self.retries = retries
        self.gpus = gpus
    }
}
