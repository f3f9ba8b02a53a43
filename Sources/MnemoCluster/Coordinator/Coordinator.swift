import CoreMetrics
import Foundation
import Logging
import MnemoAnalysis
import MnemoCore
import MnemoData
import MnemoStore
import MnemoWire

/// Serves sweeps to workers: the I/O around a pure ``Scheduler``.
///
/// One loop owns the ROUTER socket. Each turn it drains what has arrived (up to a few hundred
/// messages, without blocking) and turns each message into a scheduler event; a ``CommitPipeline``
/// applies every database write of the turn in one transaction (group commit) on its own thread while
/// the loop goes on with the next turn, and the turn's messages are sent only after that commit, so
/// an `ack` or a `lease` never goes out before the commit that records it. Heartbeats, lease deadlines
/// and last-seen times live in the scheduler's memory; task counts too, so nothing scans the database
/// while serving.
public final class Coordinator {
    let store: Store
    private let options: CoordinatorOptions
    private let socket: ZMQSocket
    /// The admin endpoint's socket (CLI commands), polled with the worker socket.
    let adminSocket: ZMQSocket?
    /// The TCP admin socket (`--admin-bind`), CURVE with admin keys only.
    let remoteAdminSocket: ZMQSocket?
    /// With CURVE, the context's ZAP handler (polled with the sockets) and, for each worker id, the
    /// public key that first used it: a message under that id from another key is refused.
    private let zap: ZAPHandler?
    /// With CURVE, the worker socket's handshake failures (peers without a key never reach `zap`).
    private let monitor: ZMQMonitor?
    private var keyOfWorker: [String: String] = [:]
    /// Refused connections are logged at most 20 a minute (the rest are counted, in the metrics too).
    private var refusalLog = LogBudget(limit: 20)
    /// Dataset requests that could not be served, logged at most 20 a minute.
    private var unshippableLog = LogBudget(limit: 20)
    /// The workers' public keys let in now (the allowlist, read again on SIGHUP).
    private var allowedWorkers: Set<String>
    /// The admins' public keys let in on the TCP admin socket now (read again on SIGHUP).
    private var allowedAdmins: Set<String>
    /// SIGHUP requests to read the allowlist again; set by the command that runs the coordinator.
    public var hangup: HangupSignal?
    let logger: Logger
    var scheduler: Scheduler
    var plans: [String: SweepPlan] = [:]
    /// The sweeps this run must finish before it exits (unless it serves for ever).
    var given: Set<String> = []
    private var malformedMessages = 0 {
        didSet { metrics.malformed.increment(by: malformedMessages - oldValue) }
    }
    /// What the coordinator reports to a metrics backend (no-ops without one).
    private let metrics = CoordinatorMetrics()
    /// When the first result not yet staged arrived, for the ingest latency.
    private var firstUnstagedResult: Date?
    /// The frame size limit the worker socket was bound with, or nil before it is bound.
    private var frameLimit: Int?
    private var lastStarvationLog: Date?
    /// Workers a send found unreachable (gone without a goodbye): handed to the scheduler as leaving.
    private var unreachable: Set<String> = []
    /// Each trial's lease template as it travels, encoded once (by sweep, then trial index).
    private var leaseTemplates: [String: [Int: Data]] = [:]
    /// The database writer, and the turn staged for it while another is committed.
    private let pipeline: CommitPipeline
    private var staged = CommitPipeline.Turn()
    /// The trials whose stop rule is watched.
    private var stopRules = StopRuleMonitor()
    /// Ships datasets to workers that lack them.
    private let datasets: DatasetServer
    /// Sweeps submitted while serving, registered on a thread of their own.
    let submissions = SweepSubmissions()
    /// The live estimates of the trials served, for `mnemo scores`.
    let aggregates: LiveAggregates
    /// Messages handled per turn before the writes are committed and the replies sent.
    static let drainBatch = 512

    /// Binds the coordinator's socket.
    public init(store: Store, context: ZMQContext, options: CoordinatorOptions, logger: Logger) throws {
        self.store = store
        self.options = options
        self.logger = logger
        var schedulerOptions = SchedulerOptions()
        schedulerOptions.workerTimeout = options.workerTimeout
        schedulerOptions.leaseDuration = options.leaseDuration
        schedulerOptions.maxFailures = options.maxFailures
        schedulerOptions.crashBudget = options.crashBudget
        schedulerOptions.noEligibleWorkerTimeout = options.noEligibleWorkerTimeout
        scheduler = Scheduler(options: schedulerOptions)
        allowedWorkers = options.curve?.allowedWorkers ?? []
        keyOfWorker = options.curve == nil ? [:] : try store.workerKeys()
        allowedAdmins = options.curve?.allowedAdmins ?? []
        pipeline = try CommitPipeline(store: store, context: context)
        aggregates = LiveAggregates(store: store, budget: options.aggregateMemoryBytes, logger: logger)
        datasets = DatasetServer(files: DatasetFileCache(folder: options.datasetFolder, maxBytes: options.datasetCacheMaxBytes))
        socket = try ZMQSocket(context: context, kind: .router)
        try socket.set(.routerMandatory(true))
        // Outbound too, each peer's queue holds at most this many messages, and a send to a full queue
        // fails at once (the message is dropped; every message is repeated or re-requested): a peer
        // that asks for dataset chunks and never reads them holds at most that many chunks here, and
        // cannot stall the loop.
        try socket.set(.sendHighWaterMark(Self.sendHighWaterMark))
        // Each peer's pipe holds few messages, each no larger than the largest legal one (set at bind,
        // see `bindIfNeeded`): one hostile peer cannot make the coordinator buffer much.
        try socket.set(.receiveHighWaterMark(Self.receiveHighWaterMark))
        try socket.set(.routerHandover(true))
        try socket.set(.sendTimeout(.zero))
        try socket.set(.tcpKeepAlive(true))
        try socket.set(.linger(.zero))
        if let curve = options.curve {
            try socket.set(.curveServer(true))
            try socket.set(.curveSecretKey(curve.keyPair.secretKey))
            try socket.set(.zapDomain(ZAPHandler.workerDomain))
            zap = try ZAPHandler(context: context)
            monitor = try ZMQMonitor(watching: socket, context: context)
        } else {
            zap = nil
            monitor = nil
        }
        if let endpoint = options.adminEndpoint {
            let admin = try ZMQSocket(context: context, kind: .router)
            try admin.set(.linger(.zero))
            try admin.set(.maxMessageSize(FrameLimits.default.maxHeaderBytes))
            if let path = AdminEndpoint.socketPath(of: endpoint) {
                // A stale socket of a coordinator that died (this one holds the lock now).
                try? FileManager.default.removeItem(atPath: path)
            }
            try admin.bind(endpoint)
            if let path = AdminEndpoint.socketPath(of: endpoint) {
                chmod(path, 0o600)
            }
            adminSocket = admin
        } else {
            adminSocket = nil
        }
        if let endpoint = options.remoteAdminEndpoint {
            guard let curve = options.curve else {
                throw AdminError(message: "a TCP admin endpoint needs CURVE: give the coordinator --key and --allow-admin")
            }
            let remote = try ZMQSocket(context: context, kind: .router)
            try remote.set(.linger(.zero))
            try remote.set(.maxMessageSize(FrameLimits.default.maxHeaderBytes))
            try remote.set(.curveServer(true))
            try remote.set(.curveSecretKey(curve.keyPair.secretKey))
            try remote.set(.zapDomain(ZAPHandler.adminDomain))
            try remote.bind(endpoint)
            remoteAdminSocket = remote
        } else {
            remoteAdminSocket = nil
        }
    }

    deinit {
        pipeline.stop()
        if let path = options.adminEndpoint.flatMap(AdminEndpoint.socketPath(of:)) {
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// Messages a peer's pipe holds before libzmq stops reading from it.
    static let receiveHighWaterMark = 16
    /// Messages queued for one peer before sends to it are dropped (a worker reads its socket at least
    /// five times a second; its queue holds a handful).
    static let sendHighWaterMark = 256

    /// The endpoint actually bound last (useful with `tcp://127.0.0.1:*`); binds if not yet bound.
    public var boundEndpoint: String {
        try? bindIfNeeded()
        return (try? socket.lastEndpoint) ?? options.endpoints.last ?? ""
    }

    /// Binds the worker socket once, with frames limited to the largest legal message of the sweeps
    /// served so far: libzmq copies the limit into the listener at bind, so it cannot be raised for
    /// peers later (a sweep submitted afterwards whose messages are larger is refused, see ``serve(_:)``).
    func bindIfNeeded() throws {
        guard frameLimit == nil else { return }
        let largest = plans.values.map { $0.largestMessage(maxBatch: SchedulerOptions().maxCapacity) }.max()
        // With no sweep yet (`--serve` on an empty database), room for a batch of large results.
        let limit = largest ?? ResultMessages.maxPayloadBytes
        try socket.set(.maxMessageSize(limit))
        for endpoint in options.endpoints {
            try socket.bind(endpoint)
        }
        frameLimit = limit
    }

    /// Starts serving a registered sweep: its open tasks (leases of a previous coordinator stay
    /// reserved for their workers for one worker timeout) join the scheduler.
    ///
    /// - Throws: ``StoreError``, `WireError`.
    /// Its priority is the one stored with the sweep (`mnemo submit --priority` sets it).
    public func serve(_ plan: SweepPlan) throws {
        let largest = plan.largestMessage(maxBatch: SchedulerOptions().maxCapacity)
        if let frameLimit, largest > frameLimit {
            throw FrameLimitError(sweepID: plan.sweepID, needed: largest, limit: frameLimit)
        }
        plans[plan.sweepID] = plan
        leaseTemplates[plan.sweepID] = nil
        given.insert(plan.sweepID)
        let progress = try store.progress(sweepID: plan.sweepID)
        let submission = SweepSubmission(
            id: plan.sweepID, name: plan.spec.name, priority: try store.sweep(id: plan.sweepID)?.priority ?? 0,
            doneByTrial: Dictionary(progress.map { ($0.trialIndex, $0.done) }, uniquingKeysWith: +),
            open: try store.openTasks(sweepID: plan.sweepID), retries: plan.spec.trainer?.command?.retries ?? 0,
            gpus: plan.spec.trainer?.command?.gpus ?? 0)
        try perform(scheduler.handle(.submit(submission), at: Date()))
        try watchStopRules(of: plan)
        let finished = plans.keys.filter { sweep in
            sweep != plan.sweepID && (scheduler.counts(sweep: sweep)?.values ?? [:].values).allSatisfy { $0.open == 0 }
        }
        aggregates.track(plan, finished: Set(finished))
    }

    /// Watches `plan`'s unfinished trials for their stop rule, stopping at once those whose stored runs
    /// meet it already (when a sweep is served, and after a retry revived a stopped trial's tasks).
    ///
    /// - Returns: the trials stopped.
    @discardableResult
    func watchStopRules(of plan: SweepPlan) throws -> [Int] {
        let met = try stopRules.watch(plan, store: store)
        for (trial, reason) in met {
            try perform(stopTrial(sweep: plan.sweepID, trial: trial, reason: reason))
        }
        return met.map(\.trial)
    }

    /// Cancels the remaining tasks of a trial whose stop rule is met, recording why.
    private func stopTrial(sweep: String, trial: Int, reason: String) -> [SchedulerEffect] {
        logger.info("sweep \(sweep) trial \(trial): \(reason); its remaining tasks are not needed")
        return scheduler.handle(.cancel(sweep: sweep, trial: trial, reason: reason), at: Date())
    }

    /// The sweeps this run must finish, in id order.
    public var givenSweeps: [String] { given.sorted() }

    /// Counts of the served sweeps' tasks.
    public func totals() -> (done: Int, total: Int, open: Int, quarantined: Int, cancelled: Int) {
        let sum = TaskCounts.summed(given.flatMap { scheduler.counts(sweep: $0)?.values.map { $0 } ?? [] })
        return (sum.done, sum.total, sum.open, sum.quarantined, sum.cancelled)
    }

    /// Serves until every task of the served sweeps is done, quarantined or cancelled, until
    /// `stop` is raised, or (with ``CoordinatorOptions/giveUpWithoutEligibleWorkers``) until a
    /// sweep has had no eligible worker for the configured time.
    ///
    /// - Parameter tick: called about once per heartbeat interval on this thread (local mode supervises
    ///   its worker processes there); returns the ids of workers known to have died since the last call.
    public func run(progress: ProgressReporter?, stop: StopFlag, tick: () throws -> [String] = { [] }) throws
        -> CoordinatorExit
    {
        try bindIfNeeded()
        defer { answerAbandonedClients() }
        var nextTick = Date()
        let optional = [adminSocket, zap?.socket, monitor?.socket, remoteAdminSocket]
        let polled = [socket, pipeline.wakeSocket] + optional.compactMap { $0 }
        func index(_ slot: Int) -> Int? {
            optional[slot] == nil ? nil : 2 + optional[..<slot].compactMap { $0 }.count
        }
        let (adminIndex, zapIndex, monitorIndex, remoteAdminIndex) = (index(0), index(1), index(2), index(3))
        let poller = ZMQPoller(polled)
        while !stop.isRaised {
            let wait = max(0, min(0.1, nextTick.timeIntervalSinceNow))
            var effects: [SchedulerEffect] = []
            let ready = try poller.poll(timeout: .milliseconds(Int64(wait * 1000)))
            if ready.contains(0) {
                var drained = 0
                while drained < Self.drainBatch, let (frames, userID) = try socket.receiveMessage(timeout: .zero) {
                    effects += handle(frames, userID: userID)
                    drained += 1
                }
            }
            if hangup?.take() == true {
                reloadAllowlist()
            }
            if let zapIndex, ready.contains(zapIndex), let zap {
                answerAuthentication(zap)
            }
            if let monitorIndex, ready.contains(monitorIndex), let monitor {
                for failure in (try? monitor.failures()) ?? [] where failure != .refused(status: 400) {
                    metrics.refusedConnections.increment()
                    logRefusal("a connection failed its handshake: \(failure)")
                }
            }
            for (slot, admin) in [(adminIndex, adminSocket), (remoteAdminIndex, remoteAdminSocket)] {
                guard let slot, ready.contains(slot), let admin else { continue }
                // Admin commands act on the scheduler's state as of the messages above: commit those first.
                try perform(effects)
                effects = []
                while let (frames, userID) = try admin.receiveMessage(timeout: .zero) {
                    // ZAP checked the key at the handshake; a key dropped from the list since (SIGHUP)
                    // must not keep its open connection's rights.
                    let revoked = admin === remoteAdminSocket && !(userID.map(allowedAdmins.contains) ?? false)
                    try answerAdmin(frames, on: admin, refusing: revoked ? "this key is not in the admin allowlist" : nil)
                }
            }
            for answer in aggregates.take() {
                try self.answer(answer.client, answer.reply)
            }
            let registered = submissions.take()
            if !registered.isEmpty {
                // As for admin commands: the messages above act on the scheduler first.
                try perform(effects)
                effects = []
                try finishSubmissions(registered)
            }
            let now = Date()
            if now >= nextTick {
                nextTick = now.addingTimeInterval(options.heartbeat.seconds)
                for id in try tick() {
                    effects += scheduler.handle(.died(worker: id, reason: "its process exited"), at: now)
                }
                effects += scheduler.handle(.tick, at: now)
                updateGauges()
            }
            stage(effects)
            try pump(wait: false)
            let totals = totals()
            progress?.update(done: totals.done, total: totals.total, workers: scheduler.connectedWorkers.count)
            if totals.open == 0 && !options.serveForever && submissions.inFlight == 0 {
                // The counts include results staged or being committed: finish those first.
                try pump(wait: true)
                updateGauges()
                progress?.update(
                    done: totals.done, total: totals.total, workers: scheduler.connectedWorkers.count, force: true)
                sayGoodbye(reason: "sweep complete")
                return .finished(quarantined: totals.quarantined, cancelled: totals.cancelled)
            }
            if let exit = starvation(now: now) {
                try pump(wait: true)
                sayGoodbye(reason: "no eligible worker")
                return exit
            }
        }
        try pump(wait: true)
        if options.keepLeasesOnStop {
            // The workers keep training: when a coordinator serves this database again they reconnect,
            // reclaim their leases and ship their results; nothing is trained twice.
            logger.info("stopped; workers keep their leases for the next coordinator to restore")
        } else {
            sayGoodbye(reason: "coordinator stopping")
            let returned = try store.requeueLeasedTasks()
            logger.info("stopped; \(returned) leased tasks returned to pending")
        }
        return .stopped
    }

    // MARK: - Inbound

    /// Decodes one message into scheduler events and returns the effects.
    private func handle(_ frames: [Data], userID: String?) -> [SchedulerEffect] {
        let routed: RoutedEnvelope
        do {
            routed = try RoutedEnvelope.decode(frames)
        } catch {
            malformedMessages += 1
            logger.warning("dropped a malformed message (\(malformedMessages) so far): \(error)")
            return []
        }
        do {
            return try dispatch(routed, userID: userID)
        } catch {
            malformedMessages += 1
            logger.warning("dropped a bad \(routed.envelope.type) message from \(routed.peer): \(error)")
            return []
        }
    }

    private func dispatch(_ routed: RoutedEnvelope, userID: String?) throws -> [SchedulerEffect] {
        let envelope = routed.envelope
        let id = routed.peer.description
        let now = Date()
        // Workers are known by their id as text and answered at its UTF-8 bytes: a peer whose routing
        // id is not printable text (an anonymous DEALER, control characters) could never be answered.
        guard PeerIdentity(id) == routed.peer else {
            malformedMessages += 1
            logger.warning("dropped a \(envelope.type) message from a peer whose routing id \(id) is not printable text")
            return []
        }
        if zap != nil, let refusal = try refuseForeignKey(id: id, userID: userID, type: envelope.type, peer: routed.peer) {
            return refusal
        }
        if envelope.type == .hello {
            let hello = try envelope.decodeHeader(Hello.self)
            return scheduler.handle(
                .hello(
                    worker: id, host: String(hello.host.prefix(256)), pid: hello.pid, running: hello.running ?? [],
                    gpus: hello.gpus ?? 0),
                at: now)
        }
        guard scheduler.connectedWorkers[id] != nil else {
            // Unknown peer: typically a worker that outlived a coordinator restart. Ask it to say hello;
            // its unacknowledged results follow and are accepted once for their current attempt.
            try send(.reject, Reject(reason: "unknown worker \(id); say hello", rehello: true), to: routed.peer)
            return []
        }
        switch envelope.type {
        case .ready:
            return scheduler.handle(.ready(worker: id, capacity: try envelope.decodeHeader(Ready.self).credit), at: now)
        case .heartbeat:
            return scheduler.handle(
                .heartbeat(worker: id, running: try envelope.decodeHeader(Heartbeat.self).running), at: now)
        case .admin:
            // Admin commands come on the admin endpoint only; on the worker socket they are dropped.
            malformedMessages += 1
            logger.warning("dropped an admin message sent to the worker socket by \(id)")
            return []
        case .result:
            firstUnstagedResult = firstUnstagedResult ?? now
            let batch = try envelope.decodeHeader(ResultBatch.self)
            guard batch.tiles(payloadCount: envelope.payload?.count ?? 0) else {
                malformedMessages += 1
                logger.warning("dropped a result message from \(id) whose outcomes do not tile its payload (\(batch.outcomes.count) outcomes)")
                return []
            }
            let outcomes = batch.outcomes.map { report($0, payload: envelope.payload ?? Data(), from: id, at: now) }
            return scheduler.handle(.results(worker: id, outcomes: outcomes), at: now)
        case .bye:
            return scheduler.handle(.bye(worker: id, released: try envelope.decodeHeader(Bye.self).released ?? []), at: now)
        case .fetch:
            let (answer, bytes) = datasets.answer(try envelope.decodeHeader(Fetch.self), plans: plans.values)
            metrics.datasetBytes.increment(by: bytes?.count ?? 0)
            if let manifest = answer.manifest {
                logger.info(
                    "worker \(id) fetches dataset \(answer.datasetHash.prefix(12))… (\(manifest.size) bytes in \(manifest.chunks.count) chunks)")
            } else if answer.status == .unavailable {
                logWithin(
                    &unshippableLog, "worker \(id) asked for a dataset this coordinator cannot ship: \(answer.reason ?? "")",
                    others: "dataset requests that could not be served")
            }
            try send(Envelope(type: .chunk, header: answer, payload: bytes), to: routed.peer)
            return []
        default:
            try send(.reject, Reject(reason: "unexpected \(envelope.type) message", rehello: false), to: routed.peer)
            return []
        }
    }

    /// One outcome of a result message as the scheduler takes it: a failure, a result whose bit vectors
    /// fit its sweep, or a malformed one.
    private func report(_ outcome: TaskOutcome, payload: Data, from id: String, at now: Date) -> ReportedOutcome {
        if let failure = outcome.failure {
            metrics.failures.increment()
            return .failure(
                taskID: outcome.taskId, attempt: outcome.attempt,
                kind: FailureKind(rawValue: failure.kind.rawValue) ?? .transient, reason: Self.bounded(failure.reason))
        }
        guard let sweep = scheduler.sweep(ofTask: outcome.taskId), let plan = plans[sweep],
            outcome.trainCount == plan.dataset.trainLabels.count, outcome.testCount == plan.dataset.testLabels.count,
            let (train, test, arrayData) = outcome.slices(of: payload),
            (try? BitVector(data: train, count: outcome.trainCount)) != nil,
            (try? BitVector(data: test, count: outcome.testCount)) != nil,
            let arrays = Self.arrays(outcome.arrays ?? [], arrayData, expected: plan.expectedArrays),
            let metrics = Self.metricsJSON(outcome.metrics)
        else { return .malformed(taskID: outcome.taskId, attempt: outcome.attempt) }
        return .result(
            ResultRecord(
                taskID: outcome.taskId, attempt: outcome.attempt, workerID: id, trainBits: train, testBits: test,
                subsetAccuracy: outcome.subsetAccuracy, testAccuracy: outcome.testAccuracy, epochs: outcome.epochs,
                seconds: outcome.seconds, receivedAt: now, metrics: metrics, arrays: arrays))
    }

    /// A result's arrays when they are exactly the ones its sweep asks for (names and shapes) and every
    /// value is finite; nil otherwise.
    static func arrays(_ headers: [ResultArrayHeader], _ data: [Data], expected: [String: [Int]]) -> [ResultArray]? {
        guard headers.count == expected.count, Set(headers.map(\.name)).count == headers.count else { return nil }
        var arrays: [ResultArray] = []
        for (header, bytes) in zip(headers, data) {
            guard expected[header.name] == header.shape else { return nil }
            let finite = bytes.withUnsafeBytes { raw in
                (0..<bytes.count / 4).allSatisfy { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self).isFinite }
            }
            guard finite else { return nil }
            arrays.append(ResultArray(name: header.name, shape: header.shape, data: bytes))
        }
        return arrays.sorted { $0.name < $1.name }
    }

    /// A failure reason of at most 4,096 characters, keeping its end (where an error's last line and
    /// the run folder are).
    static func bounded(_ reason: String) -> String {
        reason.count <= 4_096 ? reason : "…" + reason.suffix(4_095)
    }

    /// The metrics as a JSON object when they are valid (``TaskOutcome/validMetrics(_:)``); `.some(nil)`
    /// for none, nil when invalid.
    static func metricsJSON(_ metrics: [String: Double]?) -> String?? {
        guard let metrics, !metrics.isEmpty else { return .some(nil) }
        guard TaskOutcome.validMetrics(metrics) == metrics,
            let data = try? JSONSerialization.data(withJSONObject: metrics, options: [.sortedKeys])
        else { return nil }
        return .some(String(decoding: data, as: UTF8.self))
    }

    // MARK: - Authentication

    /// Reads the allowlist again (SIGHUP). New connections are checked against it, and workers whose
    /// key it no longer holds are turned away at their next message. A list that cannot be read
    /// leaves the current one in force.
    private func reloadAllowlist() {
        if let path = options.curve?.allowlistPath, let keys = reload(path, what: "allowlist", current: allowedWorkers) {
            allowedWorkers = keys
        }
        if let path = options.curve?.adminAllowlistPath, let keys = reload(path, what: "admin allowlist", current: allowedAdmins) {
            allowedAdmins = keys
        }
    }

    /// The keys of the list at `path`, or nil (logged) when it cannot be read.
    private func reload(_ path: String, what: String, current: Set<String>) -> Set<String>? {
        do {
            let keys = try CurveKeyFiles.loadAllowlist(path)
            logger.info(
                "reloaded the \(what) \(path): \(keys.count) keys (\(keys.subtracting(current).count) added, \(current.subtracting(keys).count) removed)")
            return keys
        } catch {
            logger.error("kept the previous \(what): \(error)")
            return nil
        }
    }

    /// Answers the ZAP handler's pending requests against the allowlist, logging refusals.
    private func answerAuthentication(_ zap: ZAPHandler) {
        let (workers, admins) = (allowedWorkers, allowedAdmins)
        do {
            for decision in try zap.answerPending(allows: { domain, key in
                domain == ZAPHandler.adminDomain ? admins.contains(key) : workers.contains(key)
            }) where !decision.accepted {
                metrics.refusedConnections.increment()
                logRefusal("refused a connection from \(decision.address): \(decision.reason)\(decision.publicKey.map { " (\($0))" } ?? "")")
            }
        } catch {
            logger.error("the authentication handler failed: \(error)")
        }
    }

    private func logRefusal(_ line: String) {
        logWithin(&refusalLog, line, others: "refused connections")
    }

    /// Logs a warning if `budget` admits it, and how many `others` the budget held back before.
    private func logWithin(_ budget: inout LogBudget, _ line: String, others: String) {
        let (write, suppressed) = budget.admit(at: Date())
        if suppressed > 0 {
            logger.warning("\(suppressed) more \(others) in the last minute were not logged")
        }
        if write { logger.warning("\(line)") }
    }

    /// Under CURVE, a worker id belongs to the key that first used it: a message under that id from
    /// another key (or none) is refused, a `hello` with a goodbye that names the reason (the worker
    /// exits), anything else by being dropped. Returns nil to go on.
    private func refuseForeignKey(id: String, userID: String?, type: MessageType, peer: PeerIdentity) throws -> [SchedulerEffect]? {
        guard let userID, !userID.isEmpty else {
            malformedMessages += 1
            logger.warning("dropped a \(type) message from \(id) that came without a CURVE key")
            return []
        }
        guard allowedWorkers.contains(userID) else {
            // Its key was removed from the allowlist (SIGHUP) after it connected: it leaves now, and
            // what it held goes back without spending any budget.
            malformedMessages += 1
            logger.warning("turned away worker \(id): its key is no longer in the allowlist")
            try send(.bye, Bye(reason: "this worker's key is no longer in the coordinator's allowlist", excluded: true), to: peer)
            return scheduler.handle(.bye(worker: id, released: []), at: Date())
        }
        guard let owner = keyOfWorker[id] else {
            if type == .hello {
                keyOfWorker[id] = userID
                // Recorded, so that a restarted coordinator keeps the id with this key.
                stage([.persist(.workerKey(id: id, publicKey: userID, at: Date()))])
            }
            return nil
        }
        guard owner != userID else { return nil }
        malformedMessages += 1
        logger.warning("refused a \(type) message from \(id): that worker id belongs to another key (this one is \(userID))")
        if type == .hello {
            try send(.bye, Bye(reason: "worker id \(id) belongs to another key; give this worker its own --id", excluded: true), to: peer)
        }
        return []
    }

    // MARK: - Outbound

    /// Logs, commits every write (with whatever is staged) in one transaction, then sends; returns
    /// once all of it is committed and sent.
    func perform(_ effects: [SchedulerEffect]) throws {
        stage(effects)
        try pump(wait: true)
    }

    /// Logs now; keeps the writes and the sends for the next commit.
    private func stage(_ effects: [SchedulerEffect]) {
        for effect in effects {
            switch effect {
            case .persist(let write): staged.writes.append(write)
            case .send(let worker, let message): staged.sends.append((worker, message))
            case .log(let line): log(line)
            case .count(let event, let amount): metrics.count(event, amount)
            case .accepted(let location): staged.accepted.append(location)
            }
        }
        if staged.firstResultAt == nil {
            staged.firstResultAt = firstUnstagedResult
        }
        firstUnstagedResult = nil
    }

    /// Sets the gauges: tasks by sweep and state, workers by state.
    private func updateGauges() {
        for sweep in plans.keys {
            metrics.setTasks(sweep: sweep, counts: TaskCounts.summed(scheduler.counts(sweep: sweep)?.values.map { $0 } ?? []))
        }
        let draining = scheduler.connectedWorkers.values.filter(\.draining).count
        metrics.setWorkers(state: "active", count: scheduler.connectedWorkers.count - draining)
        metrics.setWorkers(state: "draining", count: draining)
    }

    /// Sends what a committed turn sends and hands the staged turn to the writer when it is free;
    /// with `wait`, returns only once nothing is staged or being committed.
    private func pump(wait: Bool) throws {
        repeat {
            if let committed = pipeline.takeCommitted(wait: wait) {
                try deliver(committed)
            }
            if !pipeline.inFlight, !staged.isEmpty {
                pipeline.submit(staged)
                staged = CommitPipeline.Turn()
            }
        } while wait && (pipeline.inFlight || !staged.isEmpty)
    }

    private func deliver(_ committed: CommitPipeline.Committed) throws {
        let outcomes = try committed.outcomes.get()
        for outcome in outcomes where outcome != .accepted {
            logger.warning("the store refused a result the scheduler accepted: \(outcome)")
        }
        if !committed.turn.writes.isEmpty {
            metrics.commitEntries.record(committed.turn.writes.count)
        }
        metrics.results.increment(by: outcomes.count { $0 == .accepted })
        if let arrival = committed.turn.firstResultAt {
            metrics.ingestLatency.recordNanoseconds(Int64(Date().timeIntervalSince(arrival) * 1e9))
        }
        for (worker, message) in committed.turn.sends {
            try send(message, to: worker)
        }
        let results = acceptedResults(committed.turn, outcomes: outcomes)
        watchStopRules(results)
        aggregates.record(
            results.map { location, record in
                LiveAggregates.Committed(
                    sweep: location.sweep, trial: location.trial,
                    run: TrialAggregate.Run(
                        subset: location.subset, trainBits: record.trainBits, testBits: record.testBits,
                        subsetAccuracy: record.subsetAccuracy, testAccuracy: record.testAccuracy, epochs: record.epochs))
            })
        // A worker that cannot be reached holds leases it will never receive: they go back (next commit).
        let gone = unreachable
        unreachable.removeAll()
        for worker in gone.sorted() where scheduler.connectedWorkers[worker] != nil {
            logger.warning("worker \(worker) cannot be reached; its leases go back to pending")
            stage(scheduler.handle(.bye(worker: worker, released: []), at: Date()))
        }
    }

    /// The results a committed turn stored, with where each belongs.
    private func acceptedResults(_ turn: CommitPipeline.Turn, outcomes: [CommitOutcome])
        -> [(location: ResultLocation, record: ResultRecord)]
    {
        guard !turn.accepted.isEmpty else { return [] }
        var committed: [String: ResultRecord] = [:]
        var verdicts = outcomes.makeIterator()
        for case .result(let record) in turn.writes where verdicts.next() == .accepted {
            committed[record.taskID] = record
        }
        return turn.accepted.compactMap { location in committed[location.taskID].map { (location, $0) } }
    }

    /// Feeds committed results of watched trials to their stop rules and stops the trials that meet
    /// theirs (next turn).
    private func watchStopRules(_ results: [(location: ResultLocation, record: ResultRecord)]) {
        for (location, record) in results {
            guard let reason = stopRules.record(location, trainBits: record.trainBits) else { continue }
            stage(stopTrial(sweep: location.sweep, trial: location.trial, reason: reason))
        }
    }

    private func send(_ message: OutboundMessage, to worker: String) throws {
        let identity = PeerIdentity(worker)
        switch message {
        case .welcome:
            let names = plans.values.map(\.spec.name).sorted().joined(separator: ", ")
            try send(
                .welcome, Welcome(sweepName: names, heartbeatMilliseconds: Int(options.heartbeat.seconds * 1000)),
                to: identity)
        case .lease(let grants):
            try send(Envelope(type: .lease, headerJSON: leaseHeader(grants), payload: nil), to: identity)
        case .ack(let ids):
            try send(Envelope(type: .ack, header: Ack(taskIds: ids)), to: identity)
        case .heartbeat(let revoked):
            try send(.heartbeat, Heartbeat(running: [], revoked: revoked), to: identity)
        case .drain:
            try send(.drain, Bye(reason: "drain requested"), to: identity)
        case .bye(let reason, let excluded):
            try send(.bye, Bye(reason: reason, excluded: excluded), to: identity)
        }
    }

    private func send<Header: Encodable>(_ type: MessageType, _ header: Header, to identity: PeerIdentity) throws {
        try send(Envelope(type: type, header: header), to: identity)
    }

    private func send(_ envelope: Envelope, to identity: PeerIdentity) throws {
        do {
            try socket.send(envelope, to: identity)
        } catch {
            guard error.isHostUnreachable || error.isWouldBlock else { throw error }
            logger.info("\(identity) is gone or not reading; dropping its \(envelope.type) message")
            if error.isHostUnreachable { unreachable.insert(identity.description) }
        }
    }

    /// The header of a lease of `grants`: one template per trial, each encoded once per coordinator.
    private func leaseHeader(_ grants: [LeaseGrant]) throws(FrameError) -> Data {
        var templates: [Data] = []
        var templateIndex: [String: [Int: Int]] = [:]
        var entries: [Lease.Entry] = []
        for grant in grants {
            let index: Int
            if let known = templateIndex[grant.sweep]?[grant.trial] {
                index = known
            } else {
                guard let json = try leaseTemplate(sweep: grant.sweep, trial: grant.trial) else { continue }
                index = templates.count
                templates.append(json)
                templateIndex[grant.sweep, default: [:]][grant.trial] = index
            }
            entries.append(Lease.Entry(taskId: grant.taskID, attempt: grant.attempt, template: index, subset: grant.subset))
        }
        return try Lease.headerJSON(entries: entries, templateJSON: templates)
    }

    private func leaseTemplate(sweep: String, trial: Int) throws(FrameError) -> Data? {
        if let json = leaseTemplates[sweep]?[trial] { return json }
        guard let spec = plans[sweep]?.taskSpec(trial: trial, subset: 0) else { return nil }
        let json = try Lease.encodeTemplate(spec)
        leaseTemplates[sweep, default: [:]][trial] = json
        return json
    }

    private func sayGoodbye(reason: String) {
        for worker in scheduler.connectedWorkers.keys {
            try? send(.bye(reason: reason, excluded: false), to: worker)
        }
    }

    private func log(_ line: SchedulerLog) {
        var logger = logger
        if let sweep = line.sweep { logger[metadataKey: "sweep"] = "\(sweep)" }
        if let worker = line.worker { logger[metadataKey: "worker.id"] = "\(worker)" }
        if let task = line.task { logger[metadataKey: "task.id"] = "\(task.prefix(12))" }
        let text = line.worker.map { "worker \($0) \(line.message)" } ?? line.message
        switch line.level {
        case .info: logger.info("\(text)")
        case .warning: logger.warning("\(text)")
        case .error: logger.error("\(text)")
        }
    }

    /// A sweep no worker may take: the exit for local mode, a log line every minute otherwise.
    private func starvation(now: Date) -> CoordinatorExit? {
        let starved = scheduler.starvedSweeps(at: now)
        guard let first = starved.first else { return nil }
        if options.giveUpWithoutEligibleWorkers { return .noEligibleWorker(exclusions: first.exclusions) }
        if lastStarvationLog.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            lastStarvationLog = now
            for sweep in starved {
                logger.error(
                    "no connected worker may take the tasks of sweep \(sweep.sweep): \(sweep.exclusions.joined(separator: "; "))")
            }
        }
        return nil
    }
}

