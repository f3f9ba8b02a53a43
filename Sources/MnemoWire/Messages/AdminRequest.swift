import Foundation

/// `admin` from the CLI to a running coordinator, on its admin endpoint only (the worker socket drops
/// admin messages). The coordinator answers with an ``AdminReply``.
public struct AdminRequest: Codable, Sendable, Equatable {
    /// What is asked.
    public enum Command: String, Codable, Sendable {
        case status, submit, cancel, drain, retry
        /// A copy of one trial's live aggregate (``AdminRequest/sweep`` is the sweep's id).
        case scores
    }

    public var command: Command
    /// The sweep (id or name) for `cancel` and `retry`; its id for `scores`.
    public var sweep: String?
    /// One trial of the sweep, for `cancel`, `retry` and `scores`.
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

/// The coordinator's answer to an ``AdminRequest``: whether it was done, what happened in words, for
/// `status` the live state as JSON (the document `mnemo status --json` prints), and for `scores` a
/// trial's live aggregate: a JSON document describing it, its counts and sums in the message's payload.
public struct AdminReply: Codable, Sendable, Equatable {
    public var ok: Bool
    public var message: String
    public var statusDocument: String?
    public var aggregateDocument: String?
    /// Travels as the message's binary payload, not in the header.
    public var payload: Data?

    enum CodingKeys: String, CodingKey {
        case ok, message, statusDocument, aggregateDocument
    }

    public init(ok: Bool, message: String, statusDocument: String? = nil, aggregateDocument: String? = nil, payload: Data? = nil) {
        self.ok = ok
        self.message = message
        self.statusDocument = statusDocument
        self.aggregateDocument = aggregateDocument
        self.payload = payload
    }

    /// The limits an admin reply is received with: a live aggregate's payload holds a trial's
    /// same-class influence sums (20 MB at the CIFAR-100 study's shape, 240 MB for all of
    /// Fashion-MNIST), more than a worker message may carry.
    public static let limits = FrameLimits(maxHeaderBytes: FrameLimits.default.maxHeaderBytes, maxPayloadBytes: 1 << 32)
}
