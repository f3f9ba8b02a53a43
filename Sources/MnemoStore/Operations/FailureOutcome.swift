/// What ``Store/recordFailure(taskID:attempt:reason:maxFailures:now:)`` did with a reported
/// application failure.
public enum FailureOutcome: Sendable, Equatable {
    /// The failure was counted and the task is pending again; `failures` is its new count.
    case requeued(failures: Int)
    /// The failure spent the task's budget; it will not be leased again.
    case quarantined(failures: Int)
    /// The report is not for the task's current lease (an older attempt, a duplicate report, or a
    /// task that is no longer leased) and changed nothing.
    case ignored
    /// No task has this id.
    case unknownTask
}
