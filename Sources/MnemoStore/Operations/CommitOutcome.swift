/// What ``Store/commitResults(_:)`` did with one result. Every outcome is acknowledged to the
/// worker; only `accepted` changed the database.
public enum CommitOutcome: Sendable, Equatable {
    /// Stored; the task is done.
    case accepted
    /// The result is for an attempt other than the task's latest one.
    case staleAttempt
    /// The task already has a result; this one is a duplicate or late.
    case alreadyDone
    /// The task is quarantined or cancelled and takes no results.
    case taskClosed
    /// The result comes from a worker that does not hold (or last hold) the task's lease.
    case notLeaseHolder
    /// No task has this id.
    case unknownTask
}
