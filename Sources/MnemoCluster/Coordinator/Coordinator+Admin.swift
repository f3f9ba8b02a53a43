import Foundation
import Logging
import MnemoCore
import MnemoStore
import MnemoWire

extension Coordinator {
    /// Serves every sweep of the database that still has tasks to run (or to retry), loading each from
    /// what registration recorded.
    ///
    /// - Returns: the ids of the sweeps now served.
    /// - Throws: ``SweepLoadError``, ``StoreError``.
    @discardableResult
    public func serveUnfinishedSweeps() throws -> [String] {
        var served: [String] = []
        for record in try store.sweeps() where plans[record.id] == nil {
            if let (_, missing) = try SweepPlan.resumeRegistration(sweepID: record.id, from: store) {
                logger.info("sweep \(record.id): finished its registration, which had stopped before \(missing) of its tasks were stored")
            }
            let progress = try store.progress(sweepID: record.id)
            guard progress.contains(where: { $0.pending + $0.leased > 0 }) else { continue }
            try serve(try SweepPlan.load(sweepID: record.id, from: store))
            served.append(record.id)
        }
        return served
    }

    /// Answers one admin request; a request that cannot be done, or is `refusing` (the sender's key is
    /// no longer an admin key), gets `ok: false` and the reason.
    func answerAdmin(_ frames: [Data], on socket: ZMQSocket, refusing refusal: String? = nil) throws {
        // Every request gets an answer, a malformed one too (its sender would otherwise wait out its
        // timeout); only a message without even an identity frame goes unanswered.
        guard let identity = frames.first.map(PeerIdentity.init) else { return }
        let reply: AdminReply
        do {
            let routed = try RoutedEnvelope.decode(frames)
            guard routed.envelope.type == .admin else {
                throw AdminError(message: "the admin socket takes admin messages only, not \(routed.envelope.type)")
            }
            if let refusal {
                logger.warning("refused an admin command: \(refusal)")
                throw AdminError(message: refusal)
            }
            let client = AdminPeer(identity: identity, remote: socket === remoteAdminSocket)
            guard let answer = try carryOut(try routed.envelope.decodeHeader(AdminRequest.self), from: client) else { return }
            reply = answer
        } catch {
            reply = AdminReply(ok: false, message: "\(error)")
        }
        try send(reply, to: identity, on: socket)
    }

    /// Does `request` and returns its answer, or nil for one answered later (a submission, once its
    /// registration on another thread is done: ``finishSubmissions(_:)``).
    private func carryOut(_ request: AdminRequest, from client: AdminPeer) throws -> AdminReply? {
        let now = Date()
        switch request.command {
        case .status:
            return AdminReply(ok: true, message: "", statusDocument: try status(now: now).json())
        case .submit:
            guard let file = request.sweepFile else { throw AdminError(message: "submit needs a sweep file") }
            submissions.start(request, file: file, from: client, store: store, logger: logger)
            return nil
        case .cancel:
            let sweep = try resolve(request.sweep)
            try refuseWhileRegistering(sweep, "cancel")
            let before = closed(sweep, .cancelled)
            try perform(scheduler.handle(.cancel(sweep: sweep, trial: request.trial), at: now))
            return AdminReply(ok: true, message: "cancelled \(closed(sweep, .cancelled) - before) tasks of sweep \(sweep)")
        case .retry:
            let sweep = try request.sweep.map { try resolve($0) }
            if let sweep { try refuseWhileRegistering(sweep, "retry") }
            // Sweeps not served (finished ones) are served again for their closed tasks to run.
            for record in try store.sweeps() where plans[record.id] == nil && (sweep == nil || sweep == record.id) {
                let closed = try store.progress(sweepID: record.id).contains { $0.quarantined + $0.cancelled > 0 }
                if closed { try serve(try SweepPlan.load(sweepID: record.id, from: store)) }
            }
            let before = pendingCount()
            try perform(scheduler.handle(.retry(sweep: sweep, trial: request.trial, reason: request.reason), at: now))
            let revived = pendingCount() - before
            // A stop rule still met stops its trial again, as a restarted coordinator would.
            var stillStopped: [String] = []
            for plan in plans.values.sorted(by: { $0.sweepID < $1.sweepID }) where sweep == nil || sweep == plan.sweepID {
                stillStopped += try watchStopRules(of: plan).map { "trial \($0) of sweep \(plan.sweepID)" }
            }
            let note = stillStopped.isEmpty ? "" : "; \(stillStopped.joined(separator: ", ")) still meets estimator.stop_when "
                + "and was stopped again (raise mem_se_below or remove the rule to run more)"
            return AdminReply(ok: true, message: "\(revived) tasks pending again with a fresh budget\(note)")
        case .scores:
            guard let sweep = request.sweep, let trial = request.trial else {
                throw AdminError(message: "scores needs a sweep id and a trial")
            }
            aggregates.ask(sweep: sweep, trial: trial, from: client)
            return nil
        case .drain:
            guard let worker = request.worker, scheduler.connectedWorkers[worker] != nil else {
                return AdminReply(ok: false, message: "no connected worker is called '\(request.worker ?? "")'")
            }
            try perform(scheduler.handle(.drain(worker: worker), at: now))
            return AdminReply(ok: true, message: "worker \(worker) is draining: no new tasks; it leaves when done")
        }
    }

    /// Serves the sweeps whose registration finished (``SweepSubmissions/take()``) and answers the
    /// admin clients that submitted them (the reason, when one could not be registered or served).
    func finishSubmissions(_ registered: [SweepSubmissions.Finished]) throws {
        for finished in registered {
            let reply: AdminReply
            do {
                let plan = try finished.result.get()
                if let priority = finished.request.priority {
                    try store.setSweepPriority(id: plan.sweepID, priority: priority)
                }
                try serve(plan)
                let counts = scheduler.counts(sweep: plan.sweepID)?.values ?? [:].values
                let done = counts.reduce(0) { $0 + $1.done }
                let total = counts.reduce(0) { $0 + $1.total }
                logger.info("sweep \(plan.sweepID) submitted: \(done) of \(total) tasks already done")
                reply = AdminReply(ok: true, message: "sweep \(plan.sweepID): \(done) of \(total) tasks already done")
            } catch {
                reply = AdminReply(ok: false, message: "\(error)")
            }
            try answer(finished.client, reply)
        }
    }

    /// Answers the clients still waiting when the loop ends (stopped, or no eligible worker): those
    /// whose submissions are being registered, who would otherwise wait out their ten-minute timeout,
    /// and those whose live aggregate is being copied.
    func answerAbandonedClients() {
        for (client, file) in submissions.abandon() {
            let reply = AdminReply(
                ok: false,
                message: "the coordinator stopped before it finished registering \(file); submit it again (tasks "
                    + "already stored are kept, and a registration cut short is finished by the next coordinator on this database)")
            try? answer(client, reply)
        }
        for client in aggregates.abandon() {
            try? answer(client, AdminReply(ok: false, message: "the coordinator stopped before it copied its live aggregate"))
        }
    }

    /// Answers an admin client on the socket its request came on.
    func answer(_ client: AdminPeer, _ reply: AdminReply) throws {
        guard let socket = client.remote ? remoteAdminSocket : adminSocket else { return }
        try send(reply, to: client.identity, on: socket)
    }

    /// Sends an admin answer; a client that left meanwhile is only logged.
    private func send(_ reply: AdminReply, to identity: PeerIdentity, on socket: ZMQSocket) throws {
        do {
            try socket.send(Envelope(type: .admin, header: reply, payload: reply.payload, limits: AdminReply.limits), to: identity)
        } catch let error as WireError where error.isHostUnreachable {
            logger.info("the admin client left before its answer")
        }
    }

    /// The database's view with this coordinator's live workers.
    func status(now: Date) throws -> StatusDocument {
        let workers = scheduler.connectedWorkers.values.sorted { $0.id < $1.id }.map { worker in
            StatusDocument.Worker(
                id: worker.id, host: worker.host, pid: worker.pid,
                state: worker.draining ? "draining" : worker.leased.isEmpty ? "idle" : "working",
                task: worker.leased.min(), rate: Double(worker.done) / max(1, now.timeIntervalSince(worker.joined)))
        }
        var live: [String: [TrialProgress]] = [:]
        for (id, plan) in plans {
            guard let counts = scheduler.counts(sweep: id) else { continue }
            let retrying = scheduler.retrying(sweep: id)
            live[id] = plan.trials.sorted { $0.index < $1.index }.map { trial in
                let count = counts[trial.index] ?? TaskCounts()
                var progress = TrialProgress(
                    trialIndex: trial.index, name: trial.name, total: count.total, pending: count.pending,
                    leased: count.leased, done: count.done, quarantined: count.quarantined,
                    retrying: retrying[trial.index] ?? 0)
                progress.cancelled = count.cancelled
                return progress
            }
        }
        var document = try StatusDocument.build(
            store: store,
            coordinator: .init(running: true, host: ProcessInfo.processInfo.hostName, pid: getpid()), workers: workers,
            live: live)
        for index in document.sweeps.indices where plans[document.sweeps[index].id] != nil {
            document.sweeps[index].exclusions = scheduler.exclusions(sweep: document.sweeps[index].id)
        }
        return document
    }

    /// Refuses `command` on a sweep whose tasks are still being stored: the scheduler does not hold
    /// them yet, so it would change nothing while saying it did.
    private func refuseWhileRegistering(_ sweep: String, _ command: String) throws {
        guard plans[sweep] == nil, let marker = try store.registrationInProgress(sweepID: sweep) else { return }
        throw AdminError(
            message: "sweep \(sweep) is being registered (\(marker.tasks) tasks); \(command) it once `mnemo submit` has "
                + "answered, or once a coordinator serves this database")
    }

    private func resolve(_ name: String?) throws -> String {
        try AdminCommand.resolve(name, in: store)
    }

    private func closed(_ sweep: String, _ state: TaskState) -> Int {
        (scheduler.counts(sweep: sweep)?.values ?? [:].values).reduce(0) { $0 + $1[state] }
    }

    private func pendingCount() -> Int {
        plans.keys.reduce(0) { total, sweep in
            total + (scheduler.counts(sweep: sweep)?.values ?? [:].values).reduce(0) { $0 + $1.pending + $1.leased }
        }
    }
}
