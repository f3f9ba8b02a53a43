import GRDB

/// The class of a task failure as the store applies it (docs/architecture.md, "Task state machine"):
/// deterministic failures quarantine at once, transient ones spend the failure budget,
/// infrastructure ones spend nothing.
public enum FailureKind: String, Codable, Sendable, CaseIterable {
    /// The same inputs fail the same way (divergence, a setting that does not fit the data).
    case deterministic
    /// May pass on another try.
    case transient
    /// The worker is at fault (dataset missing or different), not the task.
    case infrastructure
    /// The run was killed from outside (the out-of-memory killer, SIGKILL): counts toward the task's
    /// crash budget, as a worker that died running it does.
    case killed
}
