/// Timing and policy of a ``Scheduler``: heartbeats every ~1 s, a worker silent for ~5 s is dead.
public struct SchedulerOptions: Sendable {
    /// A worker not heard from for this long is dead and its leases return to pending (counting toward
    /// the crash budget); also how long a restarted coordinator keeps leases reserved for their workers.
    public var workerTimeout: Duration = .seconds(5)
    /// A lease not named in a heartbeat for this long expires (no budget spent).
    public var leaseDuration: Duration = .seconds(30)
    /// Transient failures before a task is quarantined.
    public var maxFailures = 3
    /// Distinct workers that may die running a task before it is quarantined.
    public var crashBudget = 3
    /// The most tasks one worker may hold at once, whatever capacity it announces.
    public var maxCapacity = 64
    /// How long a sweep's open tasks may have no eligible worker before ``Scheduler/starvedSweeps(at:)``
    /// reports it.
    public var noEligibleWorkerTimeout: Duration = .seconds(30)

    /// Ticks further apart than this mean the coordinator itself stalled: the gap beyond it is not
    /// counted against workers' heartbeats or lease deadlines.
    public var stallThreshold: Duration = .seconds(2)

    public init() {}
}
