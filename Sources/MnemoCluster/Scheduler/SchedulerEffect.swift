import MnemoStore

/// What the ``Scheduler`` asks its owner to do. Writes are applied in one transaction per batch of
/// events, and the sends of that batch go out only after it committed, so an `ack` or a `lease` never
/// precedes the record of what it says.
public enum SchedulerEffect: Sendable, Equatable {
    /// Send a message to a worker.
    case send(worker: String, OutboundMessage)
    /// Write to the database (group-committed).
    case persist(StoreWrite)
    /// Say something in the log, with the sweep, worker and task it concerns.
    case log(SchedulerLog)
    /// Count an event for the metrics (`mnemo_…_total`).
    case count(SchedulerCount, Int)
    /// A result was accepted (its `.persist(.result)` is in the same batch): which run it is, for what
    /// watches results as they are committed (stop rules).
    case accepted(ResultLocation)
}

/// Which run a result belongs to.
public struct ResultLocation: Sendable, Equatable, Hashable {
    public var taskID: String
    public var sweep: String
    public var trial: Int
    public var subset: Int
}

/// Events the scheduler counts for the metrics.
public enum SchedulerCount: Sendable, Equatable {
    /// Leases that expired without a heartbeat naming them.
    case leaseExpired
    /// Workers that left without a goodbye (died, silent, unreachable).
    case workerLost
}

/// A message the scheduler sends; the coordinator turns it into a protocol message.
public enum OutboundMessage: Sendable, Equatable {
    case welcome
    /// Tasks granted, each with the attempt its result must quote.
    case lease([LeaseGrant])
    case ack([String])
    /// The heartbeat reply; `revoked` tasks (cancelled) must stop now.
    case heartbeat(revoked: [String])
    /// Stop taking tasks, finish what is held, leave.
    case drain
    /// Leave: the sweeps are over (`excluded` false) or this worker may not take their tasks.
    case bye(reason: String, excluded: Bool)
}

/// One task granted to a worker.
public struct LeaseGrant: Sendable, Equatable {
    public var taskID: String
    public var sweep: String
    public var trial: Int
    public var subset: Int
    public var attempt: Int
}

/// A log line with its structured context.
public struct SchedulerLog: Sendable, Equatable {
    public enum Level: Sendable, Equatable { case info, warning, error }
    public var level: Level
    public var message: String
    public var sweep: String?
    public var worker: String?
    public var task: String?

    init(_ level: Level, _ message: String, sweep: String? = nil, worker: String? = nil, task: String? = nil) {
        self.level = level
        self.message = message
        self.sweep = sweep
        self.worker = worker
        self.task = task
    }
}
