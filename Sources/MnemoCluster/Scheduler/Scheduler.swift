import Foundation
import MnemoStore

/// The coordinator's brain: a pure state machine over sweeps, tasks, leases and workers.
///
/// `handle(_:at:)` takes an event and the time it happened and returns effects (messages to send,
/// writes to persist, log lines); it does no I/O and never reads a clock, so tests drive it with a
/// manual clock and fake workers, the way swift-nio tests handlers on an embedded event loop.
///
/// ```swift
/// var scheduler = Scheduler(options: SchedulerOptions())
/// _ = scheduler.handle(.submit(submission), at: t0)
/// _ = scheduler.handle(.hello(worker: "w1", host: "h", pid: 7, running: []), at: t0)
/// let effects = scheduler.handle(.ready(worker: "w1", capacity: 2), at: t0)   // a lease of 2 tasks
/// ```
///
/// Leases live in memory with their deadlines; heartbeats extend the leases they name. `ready` tops a
/// worker up to its capacity counting what it holds; it never sets a credit. Results and failures are
/// accepted only from the worker holding the task's current attempt. Failures are told apart:
/// deterministic ones quarantine at once, transient ones spend a budget, infrastructure ones exclude
/// the worker from the sweep and spend nothing; a task during which `crashBudget` distinct workers
/// died is quarantined. Done tasks are only counted, so memory stays flat in finished work.
public struct Scheduler: Sendable {
    let options: SchedulerOptions
    var sweeps: [String: SweepState] = [:]
    /// Every task that is not done, by id.
    var tasks: [String: TaskEntry] = [:]
    var workers: [String: WorkerState] = [:]
    /// Leases of a previous coordinator (or of a worker that is not connected), by holder: kept for one
    /// worker timeout for their worker to claim in its `hello`.
    var reserved: [String: Set<String>] = [:]
    /// Submission order of sweeps, for ties in priority.
    var submitted = 0
    /// When the last tick happened, to tell a stalled coordinator from silent workers.
    var lastTick: Date?

    public init(options: SchedulerOptions) {
        self.options = options
    }

    /// Applies `event`, which happened at `now`, and returns what to do about it, in order.
    public mutating func handle(_ event: SchedulerEvent, at now: Date) -> [SchedulerEffect] {
        var effects: [SchedulerEffect] = []
        switch event {
        case .submit(let submission):
            submit(submission, now: now, into: &effects)
        case .hello(let worker, let host, let pid, let running, let gpus):
            hello(worker, host: host, pid: pid, running: running, gpus: gpus, now: now, into: &effects)
        case .ready(let worker, let capacity):
            guard workers[worker] != nil else { break }
            workers[worker]?.capacity = min(max(0, capacity), options.maxCapacity)
            workers[worker]?.lastSeen = now
            lease(to: worker, now: now, into: &effects)
        case .heartbeat(let worker, let running):
            heartbeat(worker, running: running, now: now, into: &effects)
        case .results(let worker, let outcomes):
            results(outcomes, from: worker, now: now, into: &effects)
        case .bye(let worker, let released):
            bye(worker, released: released, now: now, into: &effects)
        case .died(let worker, let reason):
            died(worker, reason: reason, now: now, into: &effects)
        case .tick:
            tick(now: now, into: &effects)
        case .cancel(let sweep, let trial, let reason):
            cancel(sweep: sweep, trial: trial, reason: reason, now: now, into: &effects)
        case .retry(let sweep, let trial, let reason):
            retry(sweep: sweep, trial: trial, reason: reason, now: now, into: &effects)
        case .drain(let worker):
            guard workers[worker] != nil else { break }
            workers[worker]?.draining = true
            effects.append(.send(worker: worker, .drain))
            effects.append(.log(SchedulerLog(.info, "draining: no new leases", worker: worker)))
        }
        return effects
    }

    // MARK: - Queries

    /// Task counts of a sweep, per trial, or nil for a sweep not served.
    public func counts(sweep: String) -> [Int: TaskCounts]? { sweeps[sweep]?.trials }

    /// Per trial, the open tasks of a served sweep that have failed before (being retried).
    public func retrying(sweep: String) -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for task in tasks.values where task.sweep == sweep && task.failures > 0 && (task.state == .pending || task.state == .leased) {
            counts[task.trial, default: 0] += 1
        }
        return counts
    }

    /// The workers excluded from a sweep, each as `worker W: reason`, by worker id.
    public func exclusions(sweep: String) -> [String] {
        guard let state = sweeps[sweep] else { return [] }
        let needs = state.gpus > 0 && !workers.values.contains { $0.gpus >= state.gpus }
            ? ["each task needs \(state.gpus) GPU(s) and no connected worker has them (start workers with --gpus)"] : []
        return needs + state.exclusions.sorted { $0.key < $1.key }.map { "worker \($0.key): \($0.value.reason)" }
    }

    /// Whether worker `id` may take tasks of `sweep`: not excluded from it, and with the GPUs it needs.
    func mayTake(_ id: String, _ sweep: SweepState) -> Bool {
        sweep.exclusions[id] == nil && (workers[id]?.gpus ?? 0) >= sweep.gpus
    }

    /// The sweep of a task that is not done, or nil.
    public func sweep(ofTask id: String) -> String? { tasks[id]?.sweep }

    /// The connected workers, by id.
    public var connectedWorkers: [String: WorkerState] { workers }

    /// Sweeps whose open tasks no connected worker may take, and have not for the configured time,
    /// with each exclusion's reason. Empty while some worker may still take them.
    public func starvedSweeps(at now: Date) -> [(sweep: String, exclusions: [String])] {
        sweeps.values.sorted { $0.order < $1.order }.compactMap { sweep in
            guard let since = sweep.starvedSince,
                now.timeIntervalSince(since) >= options.noEligibleWorkerTimeout.seconds,
                sweep.pendingCount > 0, !workers.keys.contains(where: { mayTake($0, sweep) })
            else { return nil }
            return (sweep.id, exclusions(sweep: sweep.id))
        }
    }
}

/// How many tasks of one trial stand in each state.
public struct TaskCounts: Sendable, Equatable {
    public var pending = 0
    public var leased = 0
    public var done = 0
    public var quarantined = 0
    public var cancelled = 0

    public init() {}

    public var total: Int { pending + leased + done + quarantined + cancelled }
    /// Tasks that may still run.
    public var open: Int { pending + leased }

    /// The counts of several trials (or sweeps) added up, state by state.
    public static func summed(_ counts: some Sequence<TaskCounts>) -> TaskCounts {
        counts.reduce(into: TaskCounts()) { total, next in
            for state in TaskState.allCases { total[state] += next[state] }
        }
    }

    mutating func move(from old: TaskState, to new: TaskState) {
        self[old] -= 1
        self[new] += 1
    }

    subscript(state: TaskState) -> Int {
        get {
            switch state {
            case .pending: pending
            case .leased: leased
            case .done: done
            case .quarantined: quarantined
            case .cancelled: cancelled
            }
        }
        set {
            switch state {
            case .pending: pending = newValue
            case .leased: leased = newValue
            case .done: done = newValue
            case .quarantined: quarantined = newValue
            case .cancelled: cancelled = newValue
            }
        }
    }
}

/// A connected worker as the scheduler sees it.
public struct WorkerState: Sendable, Equatable {
    public var id: String
    public var host: String
    public var pid: Int32
    /// Tasks it can hold at once (from its latest `ready`).
    public var capacity = 0
    /// Tasks leased to it now.
    public var leased: Set<String> = []
    /// GPUs it has.
    public var gpus = 0
    public var lastSeen: Date
    /// Told to drain: no new leases.
    public var draining = false
    /// Recorded in the database (only workers that were leased something are).
    var recorded = false
    /// Tasks finished since it joined.
    public var done = 0
    public var joined: Date

    /// Tasks it may be leased now.
    var credit: Int { draining ? 0 : max(0, capacity - leased.count) }
}

/// One task that is not done.
struct TaskEntry: Sendable, Equatable {
    let id: String
    let sweep: String
    let trial: Int
    let subset: Int
    var state: TaskState
    var attempt: Int
    /// The worker that holds (or last held) the current attempt.
    var holder: String?
    /// When the lease runs out, while leased.
    var deadline: Date?
    /// Failures of any class (what the database records).
    var failures: Int
    /// Transient failures, against the budget of ``SchedulerOptions/maxFailures`` (after a restart,
    /// every stored failure counts as one: the database keeps only the total).
    var transientFailures = 0
    /// Deterministic failures, against the sweep's `retries`.
    var deterministicFailures = 0
    var crashed: [String]
    var lastError: String?
    /// The attempt a failure was accepted for: its result, if one follows, is refused.
    var failedAttempt: Int?
}

/// One sweep being served.
struct SweepState: Sendable {
    let id: String
    let name: String
    var priority: Int
    let order: Int
    var trials: [Int: TaskCounts]
    /// Pending task ids in lease order; entries whose task is no longer pending are skipped lazily.
    var queue: [String]
    var head = 0
    /// Tasks that went back to pending, served before the queue.
    var requeued: [String] = []
    /// How often a deterministically failed task is tried again (a command trainer's `retries`).
    var retries = 0
    /// GPUs each task needs.
    var gpus = 0
    /// Workers that failed an infrastructure check for this sweep, with the process and the reason (at
    /// most ``maxExclusions``: beyond, those of departed workers are forgotten).
    var exclusions: [String: (pid: Int32, reason: String)] = [:]
    /// Since when its pending tasks have had no eligible worker while some worker was excluded.
    var starvedSince: Date?

    static let maxExclusions = 100

    var openCount: Int { trials.values.reduce(0) { $0 + $1.open } }
    var pendingCount: Int { trials.values.reduce(0) { $0 + $1.pending } }
}

extension Duration {
    /// This duration in seconds as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
