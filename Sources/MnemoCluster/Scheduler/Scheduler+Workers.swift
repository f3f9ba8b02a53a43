import Foundation
import MnemoStore
import MnemoWire

extension Scheduler {
    mutating func hello(
        _ id: String, host: String, pid: Int32, running: [TaskAttempt], gpus: Int, now: Date,
        into effects: inout [SchedulerEffect]
    ) {
        if let previous = workers[id], previous.pid != pid {
            // The same id from another process: the old one restarted, or two workers share the id. The
            // old process's leases cannot be finished by this one.
            died(id, reason: "replaced by pid \(pid) on \(host)", now: now, into: &effects)
        }
        for sweepID in sweeps.keys {
            if let exclusion = sweeps[sweepID]?.exclusions[id], exclusion.pid != pid {
                sweeps[sweepID]?.exclusions[id] = nil
            }
        }
        var worker = workers[id] ?? WorkerState(id: id, host: host, pid: pid, lastSeen: now, joined: now)
        worker.lastSeen = now
        worker.gpus = max(0, min(gpus, 1_024))
        // Tasks this process still holds under this id are restored (a coordinator restart, or a hello
        // repeated after a reject); any other task held under the id returns to pending.
        let claimed = Set(running)
        let heldUnderID = reserved.removeValue(forKey: id) ?? []
        var restored: [String] = []
        for taskID in heldUnderID.union(worker.leased).sorted() {
            guard let task = tasks[taskID], task.state == .leased, task.holder == id else { continue }
            if claimed.contains(TaskAttempt(taskId: taskID, attempt: task.attempt)) {
                worker.leased.insert(taskID)
                tasks[taskID]?.deadline = now.addingTimeInterval(options.leaseDuration.seconds)
                restored.append(taskID)
            } else {
                worker.leased.remove(taskID)
                requeue(taskID)
                effects.append(.persist(.requeue(taskIDs: [taskID], at: now)))
            }
        }
        workers[id] = worker
        effects.append(.send(worker: id, .welcome))
        effects.append(.log(SchedulerLog(.info, "joined from \(host) (pid \(pid))", worker: id)))
        if !restored.isEmpty {
            effects.append(.log(SchedulerLog(.info, "reclaimed \(restored.count) leased tasks", worker: id)))
        }
        if let reason = exclusionFromAll(id) {
            effects.append(.send(worker: id, .bye(reason: reason, excluded: true)))
        }
        // Tasks it did not claim went back to pending: other workers may take them now.
        leaseToAll(now: now, into: &effects)
    }

    mutating func heartbeat(_ id: String, running: [String], now: Date, into effects: inout [SchedulerEffect]) {
        guard let worker = workers[id] else { return }
        workers[id]?.lastSeen = now
        let deadline = now.addingTimeInterval(options.leaseDuration.seconds)
        for taskID in running where worker.leased.contains(taskID) {
            tasks[taskID]?.deadline = deadline
        }
        effects.append(.send(worker: id, .heartbeat(revoked: [])))
    }

    mutating func bye(_ id: String, released: [String], now: Date, into effects: inout [SchedulerEffect]) {
        guard let worker = workers.removeValue(forKey: id) else { return }
        // Every lease it still has returns to pending without any budget spent: the ones it lists, and
        // any still in flight to it when it left.
        let returned = worker.leased.union(released.filter { tasks[$0]?.holder == id && tasks[$0]?.state == .leased })
        for taskID in returned.sorted() { requeue(taskID) }
        if !returned.isEmpty {
            effects.append(.persist(.requeue(taskIDs: returned.sorted(), at: now)))
        }
        if worker.recorded {
            effects.append(
                .persist(.event(kind: "worker-left", message: "said goodbye; \(returned.count) tasks handed back", taskID: nil, workerID: id, at: now)))
        }
        effects.append(.log(SchedulerLog(.info, "left (said goodbye); \(returned.count) tasks handed back", worker: id)))
        leaseToAll(now: now, into: &effects)
    }

    /// A worker that left without handing its leases back: each counts toward its task's crash budget.
    mutating func died(_ id: String, reason: String, now: Date, into effects: inout [SchedulerEffect]) {
        guard let worker = workers.removeValue(forKey: id) else { return }
        effects.append(.count(.workerLost, 1))
        for taskID in worker.leased.sorted() {
            guard var task = tasks[taskID], task.state == .leased else { continue }
            if !task.crashed.contains(id) { task.crashed.append(id) }
            tasks[taskID]?.crashed = task.crashed
            if task.crashed.count >= options.crashBudget {
                let why = "kills its worker (\(task.crashed.count) workers died running it; last: \(id))"
                move(taskID, to: .quarantined)
                tasks[taskID]?.lastError = why
                tasks[taskID]?.deadline = nil
                effects.append(.persist(.crash(taskID: taskID, state: .quarantined, crashedWorkers: task.crashed, reason: why, at: now)))
                effects.append(.log(SchedulerLog(.error, "quarantined: \(why)", sweep: task.sweep, task: taskID)))
            } else {
                requeue(taskID)
                effects.append(.persist(.crash(taskID: taskID, state: .pending, crashedWorkers: task.crashed, reason: nil, at: now)))
            }
        }
        if worker.recorded {
            effects.append(.persist(.event(kind: "worker-lost", message: reason, taskID: nil, workerID: id, at: now)))
        }
        effects.append(
            .log(SchedulerLog(.info, "left (\(reason)); its \(worker.leased.count) tasks returned to pending", worker: id)))
        leaseToAll(now: now, into: &effects)
    }

    mutating func tick(now: Date, into effects: inout [SchedulerEffect]) {
        // A coordinator that stalled (preparing a submitted sweep's data, a slow disk) heard nothing for
        // that long through no fault of its workers: the stall is not counted as their silence.
        if let last = lastTick, now.timeIntervalSince(last) > options.stallThreshold.seconds {
            let stall = now.timeIntervalSince(last) - options.stallThreshold.seconds
            // Only what the stall froze moves, and never past now (or a fresh lease's full duration).
            for (id, worker) in workers where worker.lastSeen < last {
                workers[id]?.lastSeen = min(worker.lastSeen.addingTimeInterval(stall), now)
            }
            let longest = now.addingTimeInterval(options.leaseDuration.seconds)
            for (id, task) in tasks where task.state == .leased {
                tasks[id]?.deadline = task.deadline.map { min($0.addingTimeInterval(stall), longest) }
            }
            effects.append(.log(SchedulerLog(.warning, "the coordinator stalled for \(Int(stall + options.stallThreshold.seconds))s; workers' silence during it is not counted")))
        }
        lastTick = now
        for worker in workers.values.sorted(by: { $0.id < $1.id })
        where now.timeIntervalSince(worker.lastSeen) > options.workerTimeout.seconds {
            died(worker.id, reason: "silent for \(Int(now.timeIntervalSince(worker.lastSeen)))s", now: now, into: &effects)
        }
        let expired = tasks.values.filter { $0.state == .leased && ($0.deadline.map { $0 < now } ?? false) }
            .map(\.id).sorted()
        if !expired.isEmpty {
            for taskID in expired {
                if let holder = tasks[taskID]?.holder {
                    workers[holder]?.leased.remove(taskID)
                    reserved[holder]?.remove(taskID)
                }
                requeue(taskID)
            }
            effects.append(.persist(.requeue(taskIDs: expired, at: now)))
            effects.append(.count(.leaseExpired, expired.count))
            effects.append(.log(SchedulerLog(.warning, "\(expired.count) expired leases returned to pending")))
        }
        reserved = reserved.filter { !$0.value.isEmpty }
        leaseToAll(now: now, into: &effects)
        updateStarvation(now: now)
    }

    mutating func leaseToAll(now: Date, into effects: inout [SchedulerEffect]) {
        for id in workers.keys.sorted() {
            lease(to: id, now: now, into: &effects)
        }
    }

    /// Leases a worker what it has room for, from the highest-priority sweeps it may work on.
    mutating func lease(to id: String, now: Date, into effects: inout [SchedulerEffect]) {
        guard var worker = workers[id], worker.credit > 0 else { return }
        let order = sweeps.values.filter { $0.pendingCount > 0 && mayTake(id, $0) }
            .sorted { ($0.priority, -$0.order) > ($1.priority, -$1.order) }.map(\.id)
        var grants: [LeaseGrant] = []
        for sweepID in order {
            while worker.credit > 0, let taskID = nextPending(in: sweepID), var task = tasks[taskID] {
                task.attempt += 1
                task.holder = id
                task.deadline = now.addingTimeInterval(options.leaseDuration.seconds)
                tasks[taskID] = task
                move(taskID, to: .leased)
                worker.leased.insert(taskID)
                grants.append(
                    LeaseGrant(taskID: taskID, sweep: sweepID, trial: task.trial, subset: task.subset, attempt: task.attempt))
            }
            if worker.credit == 0 { break }
        }
        guard !grants.isEmpty else { return }
        if !worker.recorded {
            worker.recorded = true
            effects.append(.persist(.worker(id: id, host: worker.host, pid: Int(worker.pid), seenAt: now)))
            effects.append(
                .persist(.event(kind: "worker-joined", message: "\(worker.host) pid \(worker.pid)", taskID: nil, workerID: id, at: now)))
        }
        workers[id] = worker
        for grant in grants {
            effects.append(.persist(.lease(taskID: grant.taskID, attempt: grant.attempt, worker: id, at: now)))
        }
        effects.append(.send(worker: id, .lease(grants)))
    }

    /// Why a worker may take no open sweep's tasks, or nil when it may take some (or none are open).
    func exclusionFromAll(_ id: String) -> String? {
        let open = sweeps.values.filter { $0.openCount > 0 }
        guard !open.isEmpty else { return nil }
        let reasons = open.compactMap { sweep in sweep.exclusions[id].map { "excluded from sweep \(sweep.name): \($0.reason)" } }
        guard reasons.count == open.count else { return nil }
        return reasons.sorted().first
    }

    mutating func updateStarvation(now: Date) {
        for id in sweeps.keys {
            guard let sweep = sweeps[id] else { continue }
            let eligible = workers.keys.contains { mayTake($0, sweep) }
            if sweep.pendingCount > 0, !eligible, !sweep.exclusions.isEmpty || sweep.gpus > 0 {
                if sweep.starvedSince == nil { sweeps[id]?.starvedSince = now }
            } else {
                sweeps[id]?.starvedSince = nil
            }
        }
    }
}
