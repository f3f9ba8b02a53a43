/// What ``Store/recordFailure(taskID:attempt:workerID:kind:reason:maxFailures:now:)`` did with a
/// reported failure.
public enum FailureOutcome: Sendable, Equatable {
    /// The failure was counted and the task is pending again; `failures` is its new count.
    case requeued(failures: Int)
    /// The task will not be leased again (deterministic failure, or its budget is spent).
    case quarantined(failures: Int)
    /// An infrastructure failure: the task is pending again and its budget untouched.
    case released
    /// The report is not for the task's current lease (an older attempt, a duplicate report, or a
    /// task that is no longer leased) and changed nothing.
    case ignored
    /// The reporting worker does not hold the task's lease; nothing changed.
    case notLeaseHolder
    /// No task has this id.
    case unknownTask
}
