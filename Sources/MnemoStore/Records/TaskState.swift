import GRDB

/// Where a task stands in the scheduling state machine (see docs/architecture.md, "Task state machine").
///
/// `pending → leased → done`; an application failure sends a leased task back to `pending`, or to
/// `quarantined` once its failure budget is spent. Infrastructure losses (worker death, lease
/// expiry, coordinator restart) return `leased` tasks to `pending` without spending that budget.
public enum TaskState: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// Waiting for a worker.
    case pending
    /// Handed to a worker for the task's current attempt, until its lease deadline.
    case leased
    /// A result for the current attempt has been committed; never leased again.
    case done
    /// Failed as many times as the failure budget allows, failed deterministically, or killed three
    /// workers; never leased again unless retried (`mnemo retry`).
    case quarantined
    /// Withdrawn by `mnemo cancel` (or a stop rule); never leased again unless retried.
    case cancelled
}
