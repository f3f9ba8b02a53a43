/// `admin` from the CLI to a running coordinator, on its admin endpoint only (the worker socket drops
/// admin messages). The coordinator answers with an ``AdminReply``.
public struct AdminRequest: Codable, Sendable, Equatable {
    /// What is asked.
    public enum Command: String, Codable, Sendable {
        case status, submit, cancel, drain, retry
    }

    public var command: Command
    /// The sweep (id or name) for `cancel` and `retry`.
    public var sweep: String?
    /// One trial of the sweep, for `cancel` and `retry`.
    public var trial: Int?
    /// The worker, for `drain`.
    public var worker: String?
    /// Retry only tasks whose last error contains this text.
    public var reason: String?
    /// The sweep file, for `submit` (resolved by the CLI to an absolute path).
    public var sweepFile: String?
    public var priority: Int?
    public var newSweep: Bool?

    public init(
        command: Command, sweep: String? = nil, trial: Int? = nil, worker: String? = nil, reason: String? = nil,
        sweepFile: String? = nil, priority: Int? = nil, newSweep: Bool? = nil
    ) {
        self.command = command
        self.sweep = sweep
        self.trial = trial
        self.worker = worker
        self.reason = reason
        self.sweepFile = sweepFile
        self.priority = priority
        self.newSweep = newSweep
    }
}

/// The coordinator's answer to an ``AdminRequest``: whether it was done, what happened in words, and
/// for `status` the live state as JSON (the document `mnemo status --json` prints).
public struct AdminReply: Codable, Sendable, Equatable {
    public var ok: Bool
    public var message: String
    public var statusDocument: String?

    public init(ok: Bool, message: String, statusDocument: String? = nil) {
        self.ok = ok
        self.message = message
        self.statusDocument = statusDocument
    }
}
