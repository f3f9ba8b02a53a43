import Foundation
import Logging
import MnemoCore
import MnemoStore
import MnemoWire

/// Serves one sweep: leases its pending tasks to workers that ask for them, watches their heartbeats,
/// verifies and stores their results, and stops when every task is done or quarantined.
///
/// The coordinator is the only writer of the database. It owns a ROUTER socket and runs on the thread
/// that calls ``run(progress:)``; nothing else touches the socket.
public final class Coordinator {
    private let plan: SweepPlan
    private let store: Store
    private let options: CoordinatorOptions
    private let socket: ZMQSocket
    private let logger: Logger
    private var workers: [String: ConnectedWorker] = [:]
    /// Workers that failed an infrastructure check (their dataset is missing or differs), by id, with
    /// the process that failed it and why. A new process under the same id is given another chance.
    private var excluded: [String: (pid: Int32, reason: String)] = [:]
    /// Since when open tasks have had no eligible worker although some worker is excluded.
    private var starvedSince: Date?
    private var lastStarvationLog: Date?
    private var malformedMessages = 0
    /// The most tasks one worker may hold at once, whatever capacity it announces.
    static let maxCredit = 16
    /// Messages handled per poll before housekeeping gets a turn.
    static let drainBatch = 512

    /// Binds the coordinator's socket. The plan must already be registered in `store`.
    public init(plan: SweepPlan, store: Store, context: ZMQContext, options: CoordinatorOptions, logger: Logger) throws {
        self.plan = plan
        self.store = store
        self.options = options
        self.logger = logger
        socket = try ZMQSocket(context: context, kind: .router)
        try socket.set(.routerMandatory(true))
        try socket.set(.sendHighWaterMark(10_000))
        // Each peer's pipe holds at most this many messages of at most `largestMessage` bytes: one
        // hostile peer cannot make the coordinator buffer more than about 100 × that.
        try socket.set(.receiveHighWaterMark(100))
        try socket.set(.maxMessageSize(Self.largestMessage(plan: plan)))
        try socket.set(.routerHandover(true))
        try socket.set(.sendTimeout(.seconds(1)))
        try socket.set(.tcpKeepAlive(true))
        try socket.set(.linger(.zero))
        for endpoint in options.endpoints {
            try socket.bind(endpoint)
        }
    }

    /// The largest frame a legal message of this sweep can have: a full batch of results (one per
    /// task a worker may hold), or the largest header.
    static func largestMessage(plan: SweepPlan) -> Int {
        let perResult = (plan.dataset.trainLabels.count + 7) / 8 + (plan.dataset.testLabels.count + 7) / 8
        return max(FrameLimits.default.maxHeaderBytes, perResult * maxCredit + 4096)
    }

    /// The endpoint actually bound last (useful with `tcp://127.0.0.1:*`).
    public var boundEndpoint: String { (try? socket.lastEndpoint) ?? options.endpoints.last ?? "" }

    /// Counts of the sweep's tasks, summed over trials.
    public func totals() throws -> (done: Int, total: Int, open: Int, quarantined: Int) {
        let progress = try store.progress(sweepID: plan.sweepID)
        let done = progress.reduce(0) { $0 + $1.done }
        let total = progress.reduce(0) { $0 + $1.total }
        let quarantined = progress.reduce(0) { $0 + $1.quarantined }
        let closed = progress.reduce(0) { $0 + $1.done + $1.quarantined + $1.cancelled }
        return (done, total, total - closed, quarantined)
    }

    /// Serves until every task is done, quarantined or cancelled, until ``StopSignal`` is raised, or (in
    /// local mode) until no eligible worker is left.
    ///
    /// - Parameter tick: called about once per heartbeat interval on this thread (local mode supervises
    ///   its worker processes there); returns the ids of workers known to have died since the last call,
    ///   which are treated at once as if their heartbeats had stopped.
    public func run(progress: ProgressReporter?, tick: () throws -> [String] = { [] }) throws -> CoordinatorExit {
        let reserved = try store.reserveLeasedTasks(until: Date().addingTimeInterval(options.workerTimeout.seconds))
        if !reserved.isEmpty {
            logger.info(
                "\(reserved.count) tasks were leased when the previous coordinator stopped; they stay reserved for \(Int(options.workerTimeout.seconds))s for their workers to reclaim"
            )
        }
        var nextHousekeeping = Date()
        while !StopSignal.isRaised {
            if let frames = try socket.receive(timeout: .milliseconds(100)) {
                handle(frames)
                var drained = 1
                while drained < Self.drainBatch, let more = try socket.receive(timeout: .zero) {
                    handle(more)
                    drained += 1
                }
            }
            let now = Date()
            if now >= nextHousekeeping {
                nextHousekeeping = now.addingTimeInterval(options.heartbeat.seconds)
                for id in try tick() where workers[id] != nil {
                    try died(id, reason: "its process exited")
                }
                try housekeeping(now: now)
                let totals = try totals()
                progress?.update(done: totals.done, total: totals.total, workers: workers.count)
                if totals.open == 0 {
                    progress?.update(done: totals.done, total: totals.total, workers: workers.count, force: true)
                    sayGoodbye(reason: "sweep complete")
                    return .finished(quarantined: totals.quarantined)
                }
                if let exit = try checkStarvation(now: now) {
                    sayGoodbye(reason: "no eligible worker")
                    return exit
                }
            }
        }
        sayGoodbye(reason: "coordinator stopping")
        // The workers are told to stop, so their tasks can go back to the pool now rather than at the next start.
        let returned = try store.requeueLeasedTasks()
        logger.info("stopped; \(returned) leased tasks returned to pending")
        return .stopped
    }

    // MARK: - Messages

    private func handle(_ frames: [Data]) {
        let routed: RoutedEnvelope
        do {
            routed = try RoutedEnvelope.decode(frames)
        } catch {
            malformedMessages += 1
            logger.warning("dropped a malformed message (\(malformedMessages) so far): \(error)")
            return
        }
        do {
            try dispatch(routed)
        } catch let error as FrameError {
            malformedMessages += 1
            logger.warning("dropped a bad \(routed.envelope.type) message from \(routed.peer): \(error)")
        } catch let error as DecodingError {
            malformedMessages += 1
            logger.warning("dropped a bad \(routed.envelope.type) message from \(routed.peer): \(error)")
        } catch {
            logger.error("failed to handle \(routed.envelope.type) from \(routed.peer): \(error)")
        }
    }

    private func dispatch(_ routed: RoutedEnvelope) throws {
        let identity = routed.peer
        let envelope = routed.envelope
        let id = identity.description
        if envelope.type == .hello {
            let hello = try envelope.decodeHeader(Hello.self)
            try welcome(hello, identity: identity)
            return
        }
        guard workers[id] != nil else {
            // Unknown peer: typically a worker that outlived a coordinator restart. Ask it to say hello;
            // its unacknowledged results follow and are accepted once for their current attempt.
            try send(.reject, Reject(reason: "unknown worker \(id); say hello", rehello: true), to: identity)
            return
        }
        workers[id]?.lastSeen = Date()
        switch envelope.type {
        case .ready:
            workers[id]?.capacity = min(max(0, try envelope.decodeHeader(Ready.self).credit), Self.maxCredit)
            try lease(to: id)
        case .heartbeat:
            try heartbeat(try envelope.decodeHeader(Heartbeat.self), from: id)
        case .result:
            try ingest(try envelope.decodeHeader(ResultBatch.self), payload: envelope.payload ?? Data(), from: id)
        case .bye:
            let bye = try envelope.decodeHeader(Bye.self)
            try left(id, handingBack: bye.released ?? [], reason: "said goodbye (\(bye.reason))")
        default:
            try send(.reject, Reject(reason: "unexpected \(envelope.type) message", rehello: false), to: identity)
        }
    }

    private func welcome(_ hello: Hello, identity: PeerIdentity) throws {
        let id = identity.description
        let now = Date()
        if let previous = workers[id], previous.pid != hello.pid {
            // The same id from another process: the old one restarted or a second worker shares the id.
            // Either way the old process's leases cannot be finished by this one.
            try died(id, reason: "replaced by pid \(hello.pid) on \(hello.host)")
        }
        if let exclusion = excluded[id], exclusion.pid != hello.pid {
            excluded[id] = nil
        }
        // Leases this process still holds (a coordinator restart, or a re-hello) are restored; any other
        // task leased under this id returns to pending, since this process does not have it.
        let claimed = Set((hello.running ?? []).map(\.taskId))
        var restored: Set<String> = []
        for task in try store.tasks(leasedTo: id) {
            if claimed.contains(task.id), (hello.running ?? []).contains(TaskAttempt(taskId: task.id, attempt: task.attempt)) {
                restored.insert(task.id)
            } else {
                try store.releaseTasks([task.id], workerID: id)
            }
        }
        workers[id] = ConnectedWorker(
            id: id, identity: identity, host: hello.host, pid: hello.pid, capacity: workers[id]?.capacity ?? 0,
            lastSeen: now, lastRecorded: now, leased: restored, isRecorded: !restored.isEmpty)
        if !restored.isEmpty {
            try store.extendLeases(Array(restored), workerID: id, deadline: now.addingTimeInterval(options.leaseDuration.seconds))
            logger.info("worker \(id) reclaimed \(restored.count) leased tasks")
        }
        logger.info("worker \(id) joined from \(hello.host) (pid \(hello.pid))")
        try send(
            .welcome,
            Welcome(sweepName: plan.spec.name, heartbeatMilliseconds: Int(options.heartbeat.seconds * 1000)),
            to: identity)
        if let exclusion = excluded[id] {
            try send(
                .bye, Bye(reason: "excluded from sweep \(plan.spec.name): \(exclusion.reason)", excluded: true),
                to: identity)
        }
    }

    private func heartbeat(_ heartbeat: Heartbeat, from id: String) throws {
        guard let worker = workers[id] else { return }
        let named = heartbeat.running.filter { worker.leased.contains($0) }
        try store.extendLeases(named, workerID: id, deadline: Date().addingTimeInterval(options.leaseDuration.seconds))
        if worker.isRecorded, worker.lastSeen.timeIntervalSince(worker.lastRecorded) >= 5 {
            try store.upsertWorker(id: id, host: worker.host, pid: Int(worker.pid), seenAt: worker.lastSeen)
            workers[id]?.lastRecorded = worker.lastSeen
        }
        try send(.heartbeat, Heartbeat(running: []), to: worker.identity)
    }

    private func lease(to id: String) throws {
        guard let worker = workers[id], worker.credit > 0, excluded[id] == nil else { return }
        let deadline = Date().addingTimeInterval(options.leaseDuration.seconds)
        if !worker.isRecorded {
            try store.upsertWorker(id: id, host: worker.host, pid: Int(worker.pid), seenAt: worker.lastSeen)
            try store.logEvent(kind: "worker-joined", message: "\(worker.host) pid \(worker.pid)", workerID: id)
            workers[id]?.isRecorded = true
        }
        let records = try store.leasePendingTasks(
            sweepID: plan.sweepID, limit: worker.credit, workerID: id, deadline: deadline)
        guard !records.isEmpty else { return }
        let tasks = try records.map { record in
            LeasedTask(
                taskId: record.id, attempt: record.attempt,
                spec: try JSONDecoder().decode(TaskSpec.self, from: Data(record.specJSON.utf8)))
        }
        workers[id]?.leased.formUnion(tasks.map(\.taskId))
        try send(.lease, Lease(tasks: tasks), to: worker.identity)
    }

    private func ingest(_ batch: ResultBatch, payload: Data, from id: String) throws {
        var records: [ResultRecord] = []
        var handled: [String] = []
        let now = Date()
        for outcome in batch.outcomes {
            if let failure = outcome.failure {
                try recordFailure(failure, of: outcome, from: id)
                handled.append(outcome.taskId)
                continue
            }
            guard outcome.trainCount == plan.dataset.trainLabels.count,
                outcome.testCount == plan.dataset.testLabels.count,
                let (train, test) = outcome.slices(of: payload),
                (try? BitVector(data: train, count: outcome.trainCount)) != nil,
                (try? BitVector(data: test, count: outcome.testCount)) != nil
            else {
                logger.warning("result of task \(outcome.taskId.prefix(12)) from \(id) has inconsistent bit vectors; ignored")
                continue
            }
            records.append(
                ResultRecord(
                    taskID: outcome.taskId, attempt: outcome.attempt, workerID: id, trainBits: train, testBits: test,
                    subsetAccuracy: outcome.subsetAccuracy, testAccuracy: outcome.testAccuracy,
                    epochs: outcome.epochs, seconds: outcome.seconds, receivedAt: now))
        }
        let outcomes = try store.commitResults(records)
        for (record, outcome) in zip(records, outcomes) {
            handled.append(record.taskID)
            if outcome != .accepted {
                logger.info("ignored result of task \(record.taskID.prefix(12)) attempt \(record.attempt) from \(id): \(outcome)")
            }
        }
        workers[id]?.leased.subtract(handled)
        if let identity = workers[id]?.identity {
            try send(.ack, Ack(taskIds: handled), to: identity)
        }
        try lease(to: id)
    }

    private func recordFailure(_ failure: TaskFailure, of outcome: TaskOutcome, from id: String) throws {
        let kind = FailureKind(rawValue: failure.kind.rawValue) ?? .transient
        let result = try store.recordFailure(
            taskID: outcome.taskId, attempt: outcome.attempt, workerID: id, kind: kind, reason: failure.reason,
            maxFailures: options.maxFailures)
        guard result != .notLeaseHolder, result != .ignored, result != .unknownTask else {
            logger.warning("ignored a failure report for task \(outcome.taskId.prefix(12)) from \(id): \(result)")
            return
        }
        try store.logEvent(kind: "task-failed", message: "\(failure) → \(result)", taskID: outcome.taskId, workerID: id)
        logger.warning("task \(outcome.taskId.prefix(12)) failed on \(id): \(failure) (\(result))")
        if kind == .infrastructure, excluded[id] == nil, let worker = workers[id] {
            excluded[id] = (worker.pid, failure.reason)
            try store.logEvent(kind: "worker-excluded", message: failure.reason, workerID: id)
            logger.error("worker \(id) is excluded from sweep \(plan.spec.name): \(failure.reason)")
            // Its other leases go to workers that can run them.
            try store.releaseTasks(Array(worker.leased), workerID: id)
            workers[id]?.leased.removeAll()
            try send(
                .bye, Bye(reason: "excluded from sweep \(plan.spec.name): \(failure.reason)", excluded: true),
                to: worker.identity)
        }
    }

    // MARK: - Liveness

    private func housekeeping(now: Date) throws {
        for worker in workers.values where now.timeIntervalSince(worker.lastSeen) > options.workerTimeout.seconds {
            try died(worker.id, reason: "silent for \(Int(now.timeIntervalSince(worker.lastSeen)))s")
        }
        let expired = try store.requeueExpiredLeases(now: now)
        if expired > 0 {
            logger.warning("\(expired) expired leases returned to pending")
        }
        for id in workers.keys {
            try lease(to: id)
        }
    }

    /// Open tasks with no eligible worker: `nil` while waiting is still reasonable.
    private func checkStarvation(now: Date) throws -> CoordinatorExit? {
        let eligible = workers.keys.contains { excluded[$0] == nil }
        guard !eligible, !excluded.isEmpty else {
            starvedSince = nil
            return nil
        }
        let since = starvedSince ?? now
        starvedSince = since
        let reasons = excluded.sorted { $0.key < $1.key }.map { "worker \($0.key): \($0.value.reason)" }
        guard now.timeIntervalSince(since) >= options.noEligibleWorkerTimeout.seconds else { return nil }
        if options.giveUpWithoutEligibleWorkers { return .noEligibleWorker(exclusions: reasons) }
        if lastStarvationLog.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            lastStarvationLog = now
            logger.error("no connected worker may take the tasks of sweep \(plan.spec.name): \(reasons.joined(separator: "; "))")
        }
        return nil
    }

    /// A worker that left without handing its leases back: each counts toward its task's crash budget.
    private func died(_ id: String, reason: String) throws {
        let wasRecorded = workers[id]?.isRecorded ?? false
        workers[id] = nil
        let quarantined = try store.recordWorkerDeath(workerID: id, crashBudget: options.crashBudget)
        for task in quarantined {
            logger.error("task \(task.prefix(12)) is quarantined: \(options.crashBudget) workers died running it (last: \(id))")
        }
        if wasRecorded {
            try store.logEvent(kind: "worker-lost", message: reason, workerID: id)
        }
        logger.info("worker \(id) left (\(reason)); its tasks returned to pending")
    }

    /// A worker that said goodbye: every lease it still has returns to pending without any budget spent
    /// (it lists the ones it hands back; a lease still in flight to it when it left is returned too).
    private func left(_ id: String, handingBack released: [String], reason: String) throws {
        let wasRecorded = workers[id]?.isRecorded ?? false
        let held = workers[id].map { Array($0.leased) } ?? []
        workers[id] = nil
        let returned = try store.releaseTasks(Array(Set(released).union(held)), workerID: id)
        if wasRecorded {
            try store.logEvent(kind: "worker-left", message: "\(reason); \(returned) tasks handed back", workerID: id)
        }
        logger.info("worker \(id) left (\(reason)); \(returned) tasks handed back")
    }

    private func sayGoodbye(reason: String) {
        for worker in workers.values {
            try? send(.bye, Bye(reason: reason), to: worker.identity)
        }
    }

    private func send<Header: Encodable>(_ type: MessageType, _ header: Header, to identity: PeerIdentity) throws {
        do {
            try socket.send(Envelope(type: type, header: header), to: identity)
        } catch let error as WireError where error.isHostUnreachable {
            logger.info("\(identity) is gone; dropping its \(type) message")
        }
    }
}

extension Duration {
    /// This duration in seconds as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
