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
    private var malformedMessages = 0
    /// The most tasks one worker may hold at once, whatever credit it asks for.
    static let maxCredit = 16

    /// Binds the coordinator's socket. The plan must already be registered in `store`.
    public init(plan: SweepPlan, store: Store, context: ZMQContext, options: CoordinatorOptions, logger: Logger) throws {
        self.plan = plan
        self.store = store
        self.options = options
        self.logger = logger
        socket = try ZMQSocket(context: context, kind: .router)
        try socket.set(.routerMandatory(true))
        try socket.set(.sendHighWaterMark(10_000))
        try socket.set(.receiveHighWaterMark(10_000))
        try socket.set(.maxMessageSize(FrameLimits.default.maxFrameBytes))
        try socket.set(.routerHandover(true))
        try socket.set(.sendTimeout(.seconds(1)))
        try socket.set(.tcpKeepAlive(true))
        try socket.set(.linger(.zero))
        for endpoint in options.endpoints {
            try socket.bind(endpoint)
        }
    }

    /// The endpoint actually bound last (useful with `tcp://127.0.0.1:*`).
    public var boundEndpoint: String { (try? socket.lastEndpoint) ?? options.endpoints.last ?? "" }

    /// Counts of the sweep's tasks, summed over trials.
    public func totals() throws -> (done: Int, total: Int, open: Int) {
        let progress = try store.progress(sweepID: plan.spec.name)
        let done = progress.reduce(0) { $0 + $1.done }
        let total = progress.reduce(0) { $0 + $1.total }
        let closed = progress.reduce(0) { $0 + $1.done + $1.quarantined }
        return (done, total, total - closed)
    }

    /// Serves until every task is done or quarantined, or until ``StopSignal`` is raised.
    ///
    /// - Parameter tick: called about once per heartbeat interval on this thread (local mode supervises
    ///   its worker processes there).
    /// - Returns: true when the sweep is complete.
    public func run(progress: ProgressReporter?, tick: () throws -> Void = {}) throws -> Bool {
        let requeued = try store.requeueLeasedTasks()
        if requeued > 0 {
            logger.info("returned \(requeued) leased tasks of an earlier run to pending")
        }
        var nextHousekeeping = Date()
        while !StopSignal.isRaised {
            if let frames = try socket.receive(timeout: .milliseconds(100)) {
                handle(frames)
            }
            let now = Date()
            if now >= nextHousekeeping {
                nextHousekeeping = now.addingTimeInterval(options.heartbeat.seconds)
                try housekeeping(now: now)
                try tick()
                let totals = try totals()
                progress?.update(done: totals.done, total: totals.total, workers: workers.count)
                if totals.open == 0 {
                    progress?.update(done: totals.done, total: totals.total, workers: workers.count, force: true)
                    sayGoodbye(reason: "sweep complete")
                    return true
                }
            }
        }
        sayGoodbye(reason: "coordinator stopping")
        // The workers are told to stop, so their tasks can go back to the pool now rather than at the next start.
        let returned = try store.requeueLeasedTasks()
        logger.info("stopped; \(returned) leased tasks returned to pending")
        return false
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
            workers[id]?.credit = min(max(0, try envelope.decodeHeader(Ready.self).credit), Self.maxCredit)
            try lease(to: id)
        case .heartbeat:
            _ = try store.extendLeases(workerID: id, deadline: Date().addingTimeInterval(options.leaseDuration.seconds))
            if let worker = workers[id], worker.lastSeen.timeIntervalSince(worker.lastRecorded) >= 5 {
                try store.upsertWorker(id: id, host: worker.host, pid: Int(worker.pid), seenAt: worker.lastSeen)
                workers[id]?.lastRecorded = worker.lastSeen
            }
            try send(.heartbeat, Heartbeat(running: []), to: identity)
        case .result:
            try ingest(try envelope.decodeHeader(ResultBatch.self), payload: envelope.payload ?? Data(), from: id)
        case .bye:
            try forget(id, reason: "said goodbye")
        default:
            try send(.reject, Reject(reason: "unexpected \(envelope.type) message", rehello: false), to: identity)
        }
    }

    private func welcome(_ hello: Hello, identity: PeerIdentity) throws {
        let id = identity.description
        let now = Date()
        try store.upsertWorker(id: id, host: hello.host, pid: Int(hello.pid), seenAt: now)
        try store.logEvent(kind: "worker-joined", message: "\(hello.host) pid \(hello.pid)", workerID: id)
        workers[id] = ConnectedWorker(
            id: id, identity: identity, host: hello.host, pid: hello.pid, credit: 0, lastSeen: now, lastRecorded: now,
            leased: [])
        logger.info("worker \(id) joined from \(hello.host) (pid \(hello.pid))")
        try send(
            .welcome,
            Welcome(sweepName: plan.spec.name, heartbeatMilliseconds: Int(options.heartbeat.seconds * 1000)),
            to: identity)
    }

    private func lease(to id: String) throws {
        guard let worker = workers[id], worker.credit > 0 else { return }
        let deadline = Date().addingTimeInterval(options.leaseDuration.seconds)
        let records = try store.leasePendingTasks(
            sweepID: plan.spec.name, limit: worker.credit, workerID: id, deadline: deadline)
        guard !records.isEmpty else { return }
        let tasks = try records.map { record in
            LeasedTask(
                taskId: record.id, attempt: record.attempt,
                spec: try JSONDecoder().decode(TaskSpec.self, from: Data(record.specJSON.utf8)))
        }
        workers[id]?.credit -= tasks.count
        workers[id]?.leased.formUnion(tasks.map(\.taskId))
        try send(.lease, Lease(tasks: tasks), to: worker.identity)
    }

    private func ingest(_ batch: ResultBatch, payload: Data, from id: String) throws {
        var records: [ResultRecord] = []
        var handled: [String] = []
        let now = Date()
        for outcome in batch.outcomes {
            if let failure = outcome.failure {
                let result = try store.recordFailure(
                    taskID: outcome.taskId, attempt: outcome.attempt, reason: failure, maxFailures: options.maxFailures)
                try store.logEvent(kind: "task-failed", message: "\(failure) → \(result)", taskID: outcome.taskId, workerID: id)
                logger.warning("task \(outcome.taskId.prefix(12)) failed on \(id): \(failure) (\(result))")
                handled.append(outcome.taskId)
                continue
            }
            guard let (train, test) = try slices(of: outcome, in: payload) else {
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
    }

    /// The train and test bit vectors of one outcome, or nil when their sizes or padding do not match
    /// the sweep.
    private func slices(of outcome: TaskOutcome, in payload: Data) throws -> (Data, Data)? {
        guard outcome.trainCount == plan.dataset.trainLabels.count,
            outcome.testCount == plan.dataset.testLabels.count,
            outcome.payloadOffset >= 0,
            outcome.payloadOffset + outcome.trainBytes + outcome.testBytes <= payload.count
        else { return nil }
        let start = payload.startIndex + outcome.payloadOffset
        let train = Data(payload[start..<start + outcome.trainBytes])
        let test = Data(payload[start + outcome.trainBytes..<start + outcome.trainBytes + outcome.testBytes])
        guard (try? BitVector(data: train, count: outcome.trainCount)) != nil,
            (try? BitVector(data: test, count: outcome.testCount)) != nil
        else { return nil }
        return (train, test)
    }

    // MARK: - Liveness

    private func housekeeping(now: Date) throws {
        for worker in workers.values where now.timeIntervalSince(worker.lastSeen) > options.workerTimeout.seconds {
            try forget(worker.id, reason: "silent for \(Int(now.timeIntervalSince(worker.lastSeen)))s")
        }
        let expired = try store.requeueExpiredLeases(now: now)
        if expired > 0 {
            logger.warning("\(expired) expired leases returned to pending")
        }
        for id in workers.keys {
            try lease(to: id)
        }
    }

    private func forget(_ id: String, reason: String) throws {
        workers[id] = nil
        let requeued = try store.requeueTasks(ofWorker: id)
        try store.logEvent(kind: "worker-left", message: "\(reason); \(requeued) tasks requeued", workerID: id)
        logger.info("worker \(id) left (\(reason)); \(requeued) tasks returned to pending")
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
