import Foundation
import Logging
import MnemoCore
import MnemoLearn
import MnemoWire

/// A worker process's main loop: connects a DEALER to the coordinator, asks for tasks, trains them on
/// a separate thread, heartbeats, and ships bit-packed results until they are acknowledged.
///
/// Results stay in memory until acknowledged: if the coordinator restarts, the worker is asked to say
/// hello again and resends them, and the coordinator accepts each once for its current attempt.
public final class Worker {
    /// Why ``run()`` returned.
    public enum Exit: Sendable, Equatable {
        /// The coordinator said goodbye (normally: the sweep is complete).
        case coordinatorFinished(String)
        /// SIGINT/SIGTERM.
        case stopped
        /// The local-mode parent process is gone.
        case orphaned
    }

    private let options: WorkerOptions
    private let socket: ZMQSocket
    private let logger: Logger
    private let runner = TaskRunner()
    /// Results sent but not yet acknowledged, by task id, with when they were last sent.
    private var unacknowledged: [String: (finished: TaskExecutor.Finished, sentAt: Date)] = [:]
    /// Tasks leased to this worker and not yet finished.
    private var held: Set<String> = []
    private var welcomed = false
    /// Tasks this process finished.
    public private(set) var completed = 0

    /// Connects to the coordinator (the connection completes in the background).
    public init(options: WorkerOptions, context: ZMQContext, logger: Logger) throws {
        self.options = options
        self.logger = logger
        socket = try ZMQSocket(context: context, kind: .dealer)
        try socket.setIdentity(PeerIdentity(options.workerID))
        try socket.set(.linger(.zero))
        try socket.set(.maxMessageSize(FrameLimits.default.maxFrameBytes))
        try socket.set(.tcpKeepAlive(true))
        try socket.set(.reconnectInterval(.milliseconds(100)))
        try socket.set(.reconnectIntervalMax(.seconds(2)))
        try socket.connect(options.endpoint)
    }

    /// Serves the coordinator until it says goodbye, a stop signal arrives, or the parent dies.
    public func run() throws -> Exit {
        runner.start()
        defer { runner.stop() }
        try sayHello()
        var nextHeartbeat = Date()
        while true {
            if StopSignal.isRaised {
                try? send(.bye, Bye(reason: "worker stopping"))
                return .stopped
            }
            if let parent = options.parentPID, getppid() != parent {
                return .orphaned
            }
            if let frames = try socket.receive(timeout: .milliseconds(50)) {
                if let exit = try handle(frames) { return exit }
            }
            try shipFinished()
            let now = Date()
            if now >= nextHeartbeat {
                nextHeartbeat = now.addingTimeInterval(options.heartbeat.seconds)
                try send(.heartbeat, Heartbeat(running: held.sorted()))
                try resendStale(now: now)
            }
        }
    }

    private func sayHello() throws {
        welcomed = false
        let host = ProcessInfo.processInfo.hostName
        try send(
            .hello,
            Hello(workerId: options.workerID, host: host, pid: getpid(), engineVersion: Trainer.engineVersion))
    }

    private func handle(_ frames: [Data]) throws -> Exit? {
        do {
            return try dispatch(try Envelope.decode(frames))
        } catch let error as FrameError {
            logger.warning("dropped a malformed message from the coordinator: \(error)")
            return nil
        }
    }

    private func dispatch(_ envelope: Envelope) throws -> Exit? {
        switch envelope.type {
        case .welcome:
            welcomed = true
            let welcome = try envelope.decodeHeader(Welcome.self)
            logger.info("joined sweep \(welcome.sweepName)")
            try resend(Array(unacknowledged.keys))
            try askForWork()
        case .lease:
            let lease = try envelope.decodeHeader(Lease.self)
            held.formUnion(lease.tasks.map(\.taskId))
            runner.enqueue(lease.tasks)
        case .ack:
            for id in try envelope.decodeHeader(Ack.self).taskIds {
                unacknowledged[id] = nil
            }
        case .reject:
            let reject = try envelope.decodeHeader(Reject.self)
            if reject.rehello {
                try sayHello()
            } else {
                logger.warning("coordinator rejected a message: \(reject.reason)")
            }
        case .bye:
            return .coordinatorFinished(try envelope.decodeHeader(Bye.self).reason)
        case .heartbeat:
            break
        default:
            logger.warning("ignored unexpected \(envelope.type) message from the coordinator")
        }
        return nil
    }

    /// Asks for as many tasks as the training thread can take now (one: it trains one at a time).
    private func askForWork() throws {
        guard welcomed, held.isEmpty else { return }
        try send(.ready, Ready(credit: 1))
    }

    private func shipFinished() throws {
        let finished = runner.takeFinished()
        guard !finished.isEmpty else { return }
        let now = Date()
        for item in finished {
            held.remove(item.outcome.taskId)
            unacknowledged[item.outcome.taskId] = (item, now)
            completed += item.outcome.failure == nil ? 1 : 0
        }
        try resend(finished.map(\.outcome.taskId))
        try askForWork()
    }

    private func resendStale(now: Date) throws {
        let stale = unacknowledged.filter { now.timeIntervalSince($0.value.sentAt) > options.resendAfter.seconds }
        try resend(Array(stale.keys))
    }

    /// Sends the given unacknowledged results as one `result` message.
    private func resend(_ ids: [String]) throws {
        guard welcomed, !ids.isEmpty else { return }
        var payload = Data()
        var outcomes: [TaskOutcome] = []
        let now = Date()
        for id in ids.sorted() {
            guard let entry = unacknowledged[id] else { continue }
            var outcome = entry.finished.outcome
            outcome.payloadOffset = payload.count
            payload.append(entry.finished.trainBits)
            payload.append(entry.finished.testBits)
            outcomes.append(outcome)
            unacknowledged[id]?.sentAt = now
        }
        try socket.send(Envelope(type: .result, header: ResultBatch(outcomes: outcomes), payload: payload))
    }

    private func send<Header: Encodable>(_ type: MessageType, _ header: Header) throws {
        try socket.send(Envelope(type: type, header: header))
    }
}
