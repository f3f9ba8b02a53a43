import Foundation

/// One change the scheduler asks the store to make. A coordinator collects the writes of a batch of
/// messages and applies them with ``Store/apply(_:)`` in one transaction (group commit); it sends the
/// acknowledgements and leases they record only once that transaction has committed.
public enum StoreWrite: Sendable, Equatable {
    /// The task is leased to `worker` under `attempt`.
    case lease(taskID: String, attempt: Int, worker: String, at: Date)
    /// A result for the task's current attempt; the task is done.
    case result(ResultRecord)
    /// The tasks go back to pending; attempts, holders and budgets are kept.
    case requeue(taskIDs: [String], at: Date)
    /// A failure was counted: the task is pending again or quarantined.
    case failure(taskID: String, state: TaskState, failures: Int, reason: String, at: Date)
    /// A worker died holding the task: `crashedWorkers` is the new list; the task is pending again or
    /// quarantined with `reason`.
    case crash(taskID: String, state: TaskState, crashedWorkers: [String], reason: String?, at: Date)
    /// The tasks are cancelled (an admin command, or a stop rule met: `reason` then says which).
    case cancel(taskIDs: [String], at: Date, reason: String? = nil)
    /// The tasks are pending again with a fresh budget (`mnemo retry`).
    case retry(taskIDs: [String], at: Date)
    /// A worker that was leased something: recorded (or its host, pid and last sight updated).
    case worker(id: String, host: String, pid: Int, seenAt: Date)
    /// Worker id `id` belongs to CURVE key `publicKey` from now on; a later claim never replaces the first.
    case workerKey(id: String, publicKey: String, at: Date)
    /// An entry in the event log.
    case event(kind: String, message: String, taskID: String?, workerID: String?, at: Date)
}
