import Foundation
import Logging
import MnemoCore
import MnemoData
import MnemoLearn
import MnemoWire

/// A worker process's main loop: connects a DEALER to the coordinator, asks for tasks, runs them on a
/// separate training thread, heartbeats, and ships results until they are acknowledged.
///
/// Results stay in memory until acknowledged: if the coordinator restarts, the worker is asked to say
/// hello again (listing the tasks it holds, so their leases are restored) and resends them; the
/// coordinator accepts each once for its current attempt.
///
/// On SIGTERM/SIGINT the worker takes no more leases, hands back the tasks it has not started, lets
/// the running one go on for ``WorkerOptions/grace`` (shipping it if it finishes), then cancels it
/// between batches, hands its lease back, joins the training thread and returns ``Exit/stopped``.
public final class Worker {
    /// Why ``run()`` returned.
    public enum Exit: Sendable, Equatable, CustomStringConvertible {
        /// The coordinator said goodbye (normally: the sweep is complete).
        case coordinatorFinished(String)
        /// The coordinator excluded this worker from its sweep (for example: its dataset differs).
        case excluded(String)
        /// SIGINT/SIGTERM; running work was shipped or handed back.
        case stopped
        /// The coordinator asked it to drain: it finished what it held and left.
        case drained
        /// The local-mode parent process is gone.
        case orphaned
        /// No coordinator answered for ``WorkerOptions/idleExit``.
        case unreachable(String)
        /// Connected, but no work came for ``WorkerOptions/idleExit`` (a coordinator that serves on
        /// after its sweeps, `--serve`, never says goodbye): this worker's part is done.
        case idle(String)

        public var description: String {
            switch self {
            case .coordinatorFinished(let reason): "the coordinator said goodbye: \(reason)"
            case .excluded(let reason): "the coordinator excluded this worker: \(reason)"
            case .stopped: "stopped by a signal; running work was shipped or handed back"
            case .drained: "drained: finished the running task, handed the rest back"
            case .orphaned: "the parent process is gone"
            case .unreachable(let reason), .idle(let reason): reason
            }
        }
    }

    private let options: WorkerOptions
    private let socket: ZMQSocket
    private let wake: ZMQSocket
    /// Handshake failures of the coordinator connection: a refused key ends the worker at once.
    private let monitor: ZMQMonitor
    private let logger: Logger
    private let runner: TaskRunner
    /// Results sent but not yet acknowledged, by task id, with when they were last sent.
    private var unacknowledged: [String: (finished: FinishedTask, sentAt: Date)] = [:]
    /// Tasks leased to this worker and not yet finished, with their attempts.
    private var held: [String: Int] = [:]
    /// Decodes leases, remembering the templates (task specs) already seen.
    private var leaseReader = LeaseReader()
    private var welcomed = false
    /// When the last hello went out: a coordinator that restarted rejects every message queued during
    /// the outage, and one hello answers all of those rejections.
    private var lastHello = Date.distantPast
    /// Leases given back unfinished (not started, or cancelled) while stopping.
    private var handedBack: [String] = []
    /// When stopping began, and until when the running task may go on (distant future when draining).
    private var stopDeadline: Date?
    private var draining = false
    /// Tasks this process finished.
    public private(set) var completed = 0
    private var prefetchPolicy = PrefetchPolicy()
    /// The capacity last announced in a `ready`.
    private var announcedCapacity = 0
    /// Datasets the slots asked to fetch, and the downloads under way.
    private let fetcher = DatasetFetcher()
    private let datasetFiles: DatasetFileCache
    private var downloads: [String: DatasetDownload] = [:]

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
        if let curve = options.curve {
            try socket.set(.curveSecretKey(curve.keyPair.secretKey))
            try socket.set(.curvePublicKey(curve.keyPair.publicKey))
            try socket.set(.curveServerKey(curve.serverKey))
        }
        // A send never waits for ever (a connection whose handshake failed leaves nothing to send to).
        try socket.set(.sendTimeout(.seconds(5)))
        monitor = try ZMQMonitor(watching: socket, context: context)
        let wakeEndpoint = "inproc://mnemo-worker-wake-\(UInt64.random(in: 0...UInt64.max))"
        wake = try ZMQSocket(context: context, kind: .pull)
        try wake.bind(wakeEndpoint)
        let cache = TrainerCache(
            root: options.cacheDirectory.map { URL(fileURLWithPath: $0) } ?? DatasetFileCache.defaultRoot,
            maxDataBytes: options.cacheMaxBytes)
        datasetFiles = cache.datasets
        let datasets = PreparedDatasets(files: cache.datasets, fetcher: fetcher)
        let gpus = options.gpus
        runner = TaskRunner(
            slots: options.slots,
            backend: { slot in
                TrainerBackends(datasets: datasets, cache: cache, gpu: gpus.isEmpty ? nil : gpus[slot % gpus.count])
            }, context: context, wakeEndpoint: wakeEndpoint)
        try socket.connect(options.endpoint)
    }

    /// Serves the coordinator until it says goodbye, a stop signal arrives, the parent dies, or nothing
    /// happens for ``WorkerOptions/idleExit`` (no answer, or no work).
    public func run(stop: StopFlag) throws -> Exit {
        runner.start()
        // Whatever way the loop ends, no BLAS call may still be running when the process exits (a slot
        // waiting for a dataset is told there will be none).
        defer {
            fetcher.close(reason: "the worker is stopping")
            runner.stopAndJoin()
        }
        logger.info("connecting to \(options.endpoint) as \(options.workerID)")
        try sayHello()
        let started = Date()
        var lastHeard: Date?
        var lastWork = started
        var warned = false
        var nextHeartbeat = started
        let poller = ZMQPoller([socket, wake, monitor.socket])
        while true {
            let now = Date()
            if stop.isRaised, stopDeadline == nil {
                stopDeadline = now.addingTimeInterval(options.grace.seconds)
                giveBack(runner.withdrawWaiting())
                fetcher.abandon()
                runner.beginGracePeriod()
                logger.info("stopping: no new tasks; a running task may finish within \(Int(options.grace.seconds))s")
            }
            if let deadline = stopDeadline {
                if !runner.isBusy {
                    // Closing drops unsent messages at linger 0: give the last results and the goodbye
                    // (which hands the leases back) time to leave.
                    try? socket.set(.linger(.seconds(2)))
                    try shipOutput()
                    try? send(.bye, Bye(reason: draining ? "drained" : "worker stopping", released: handedBack))
                    return draining ? .drained : .stopped
                }
                if now >= deadline { runner.cancelCurrent() }
            }
            if let parent = options.parentPID, getppid() != parent {
                return .orphaned
            }
            let ready = try poller.poll(timeout: .milliseconds(stopDeadline == nil ? 200 : 20))
            if ready.contains(2), let refusal = try refusal(in: monitor.failures()) {
                return .excluded(refusal)
            }
            if ready.contains(1) {
                while try wake.receive(timeout: .zero) != nil {}
            }
            if ready.contains(0) {
                while let frames = try socket.receive(timeout: .zero) {
                    lastHeard = Date()
                    if let exit = try handle(frames) { return exit }
                }
            }
            try shipOutput()
            try serveDownloads(now: Date())
            if !held.isEmpty { lastWork = Date() }
            let after = Date()
            if after >= nextHeartbeat {
                nextHeartbeat = after.addingTimeInterval(options.heartbeat.seconds)
                try send(.heartbeat, Heartbeat(running: held.keys.sorted()))
                try resendStale(now: after)
            }
            let silence = after.timeIntervalSince(lastHeard ?? started)
            if lastHeard == nil, !warned, silence >= options.connectWarning.seconds {
                warned = true
                let hint = options.curve == nil
                    ? "is a coordinator running there (one that uses CURVE needs --key and --server-key)?"
                    : "is a coordinator running there, with --server-key its public key and this worker's public key in its --allow list?"
                logger.warning("no answer from \(options.endpoint) after \(Int(silence))s; \(hint) still trying")
            }
            if silence >= options.idleExit.seconds {
                return .unreachable("no coordinator answered at \(options.endpoint) for \(Int(silence))s")
            }
            if welcomed, held.isEmpty, unacknowledged.isEmpty, after.timeIntervalSince(lastWork) >= options.idleExit.seconds {
                return .idle("no work from \(options.endpoint) for \(Int(after.timeIntervalSince(lastWork)))s")
            }
        }
    }

    /// Why the coordinator will never talk to this worker, from its handshake failures (nil for
    /// failures that a reconnection may cure).
    private func refusal(in failures: [ZMQMonitor.Failure]) -> String? {
        for failure in failures {
            switch failure {
            case .refused:
                return "the coordinator at \(options.endpoint) refused this worker's key: add its public key to the coordinator's --allow list"
            case .protocolMismatch where options.curve == nil:
                return "the coordinator at \(options.endpoint) refused the connection: it uses CURVE, so give this worker --key and --server-key"
            case .protocolMismatch:
                return "the CURVE handshake with \(options.endpoint) failed: is --server-key the coordinator's public key, and does the coordinator use CURVE?"
            case .other:
                continue
            }
        }
        return nil
    }

    private func sayHello() throws {
        welcomed = false
        lastHello = Date()
        let host = ProcessInfo.processInfo.hostName
        // Tasks in training or waiting, and finished ones whose result is not acknowledged yet: a restarted
        // coordinator keeps all of them leased to this worker, so no other worker trains them again.
        let unshipped = unacknowledged.values.map { TaskAttempt(taskId: $0.finished.outcome.taskId, attempt: $0.finished.outcome.attempt) }
        let running = (held.map { TaskAttempt(taskId: $0.key, attempt: $0.value) } + unshipped).sorted { $0.taskId < $1.taskId }
        try send(
            .hello,
            Hello(workerId: options.workerID, host: host, pid: getpid(), engineVersion: Trainer.engineVersion, running: running,
                gpus: options.gpus.isEmpty ? nil : options.gpus.count))
    }

    private func handle(_ frames: [Data]) throws -> Exit? {
        do {
            return try dispatch(try Envelope.decode(frames))
        } catch let error as FrameError {
            logger.warning("dropped a malformed message from the coordinator: \(error)")
            return nil
        } catch let error as DecodingError {
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
            for download in downloads.values {
                try sendFetches(download.resend(now: Date()))
            }
            try askForWork(force: true)
        case .lease:
            let tasks = try leaseReader.tasks(in: envelope)
            for task in tasks { held[task.taskId] = task.attempt }
            if stopDeadline != nil {
                // Leased while stopping: hand back at once.
                giveBack(tasks.map(\.taskId))
            } else {
                runner.enqueue(tasks)
            }
        case .ack:
            for id in try envelope.decodeHeader(Ack.self).taskIds {
                unacknowledged[id] = nil
            }
        case .reject:
            let reject = try envelope.decodeHeader(Reject.self)
            if reject.rehello {
                if welcomed || Date().timeIntervalSince(lastHello) > options.heartbeat.seconds * 2 {
                    try sayHello()
                }
            } else {
                logger.warning("coordinator rejected a message: \(reject.reason)")
            }
        case .bye:
            let bye = try envelope.decodeHeader(Bye.self)
            return bye.excluded == true ? .excluded(bye.reason) : .coordinatorFinished(bye.reason)
        case .heartbeat:
            let revoked = Set(try envelope.decodeHeader(Heartbeat.self).revoked ?? [])
            if !revoked.isEmpty {
                logger.info("the coordinator revoked \(revoked.count) tasks (cancelled); stopping them")
                runner.revoke(revoked)
                for id in revoked { held[id] = nil }
            }
        case .chunk:
            let answer = try envelope.decodeHeader(Chunk.self)
            guard let download = downloads[answer.datasetHash] else { break }
            try follow(download, download.receive(answer, payload: envelope.payload, now: Date()))
        case .drain:
            if stopDeadline == nil {
                logger.info("draining: finishing the running task, taking no more")
                draining = true
                stopDeadline = .distantFuture
                giveBack(runner.withdrawWaiting())
                fetcher.abandon()
            }
        default:
            logger.warning("ignored unexpected \(envelope.type) message from the coordinator")
        }
        return nil
    }

    /// Tells the coordinator how many tasks this worker can hold (its slots plus the prefetch); the
    /// coordinator tops it up to that, so repeating this never over-leases. The coordinator leases more after each result on its own, so `ready` is only repeated when the
    /// capacity changed (or after a welcome, `force`).
    private func askForWork(force: Bool = false) throws {
        guard welcomed, stopDeadline == nil else { return }
        let capacity = options.slots + (options.prefetch ?? prefetchPolicy.prefetch)
        guard force || capacity != announcedCapacity else { return }
        announcedCapacity = capacity
        try send(.ready, Ready(credit: capacity))
    }

    /// Starts the downloads the slots asked for, sends requests that went unanswered again, and logs
    /// the downloads' progress.
    private func serveDownloads(now: Date) throws {
        for (hash, reason) in fetcher.takeRequests() where downloads[hash] == nil {
            logger.warning("cannot use this worker's own copy of the data (\(reason)); fetching it from the coordinator")
            let download = DatasetDownload(hash: hash, cache: datasetFiles, now: now)
            downloads[hash] = download
            try sendFetches(download.start(now: now))
        }
        for download in Array(downloads.values) {
            try follow(download, download.poll(now: now))
        }
    }

    /// Acts on what a download asks for next.
    private func follow(_ download: DatasetDownload, _ step: DatasetDownload.Step) throws {
        for note in download.takeNotes() { logger.info("\(note)") }
        switch step {
        case .send(let requests):
            try sendFetches(requests)
        case .finished(let file):
            downloads[download.hash] = nil
            fetcher.answer(hash: download.hash, with: .success(file))
        case .failed(let reason):
            downloads[download.hash] = nil
            logger.error("cannot fetch dataset \(download.hash.prefix(12))…: \(reason)")
            fetcher.answer(hash: download.hash, with: .failure(DatasetFetchError(hash: download.hash, reason: reason)))
        }
    }

    private func sendFetches(_ requests: [Fetch]) throws {
        for request in requests {
            try send(.fetch, request)
        }
    }

    private func giveBack(_ ids: [String]) {
        for id in ids {
            held[id] = nil
            handedBack.append(id)
        }
    }

    private func shipOutput() throws {
        let output = runner.takeOutput()
        guard !output.isEmpty else { return }
        let now = Date()
        var shipped: [String] = []
        for item in output {
            switch item {
            case .finished(let finished):
                held[finished.outcome.taskId] = nil
                unacknowledged[finished.outcome.taskId] = (finished, now)
                completed += finished.outcome.failure == nil ? 1 : 0
                shipped.append(finished.outcome.taskId)
                prefetchPolicy.record(seconds: finished.outcome.seconds)
            case .cancelled(let id):
                logger.info("cancelled task \(id.prefix(12)) between batches; handing its lease back")
                giveBack([id])
            }
        }
        try resend(shipped)
        try askForWork()
    }

    private func resendStale(now: Date) throws {
        let stale = unacknowledged.filter { now.timeIntervalSince($0.value.sentAt) > options.resendAfter.seconds }
        try resend(Array(stale.keys))
    }

    /// Sends the given unacknowledged results, as few `result` messages as fit
    /// ``ResultMessages/maxPayloadBytes`` each (one result per message at least).
    private func resend(_ ids: [String]) throws {
        guard welcomed, !ids.isEmpty else { return }
        let now = Date()
        let entries = ids.sorted().compactMap { unacknowledged[$0]?.finished }
        for message in try ResultMessages.split(entries) {
            try deliver(message)
        }
        for id in ids { unacknowledged[id]?.sentAt = now }
    }

    private func send<Header: Encodable>(_ type: MessageType, _ header: Header) throws {
        try deliver(Envelope(type: type, header: header))
    }

    /// Sends, or gives up on this message after the send timeout: the coordinator is not taking
    /// messages (gone, or the handshake failed, which the monitor reports next turn). Results stay
    /// unacknowledged and are sent again; heartbeats and the rest are repeated anyway.
    private func deliver(_ envelope: Envelope) throws {
        do {
            try socket.send(envelope)
        } catch {
            guard error.isWouldBlock else { throw error }
            logger.warning("could not send a \(envelope.type) message to \(options.endpoint) in time; will try again")
        }
    }
}
