/// Why a task produced no result, typed so that the coordinator treats each class as it should
/// (docs/architecture.md, "Task state machine"):
///
/// - ``Kind/deterministic``: the same inputs fail the same way (divergence, a setting that does not fit
///   the data). Retrying cannot help: the task is quarantined at once.
/// - ``Kind/transient``: the application failed for a reason that may pass (an I/O error reading a
///   file). Retried within the task's failure budget.
/// - ``Kind/infrastructure``: the worker, not the task, is at fault (its dataset is missing or differs
///   from the sweep's). The task's budget is not spent; the worker is excluded from the sweep.
/// - ``Kind/killed``: the run was killed from outside (the out-of-memory killer, SIGKILL by hand); it
///   counts toward the task's crash budget, as a worker that died running it does.
public struct TaskFailure: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The failure classes; raw values are the wire names.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case deterministic
        case transient
        case infrastructure
        case killed
    }

    public var kind: Kind
    /// What failed, in words, with the likely cause where one is known.
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "\(kind.rawValue): \(reason)" }
}
