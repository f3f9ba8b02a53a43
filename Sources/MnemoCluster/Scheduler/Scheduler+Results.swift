import Foundation
import MnemoStore

extension Scheduler {
    mutating func results(_ outcomes: [ReportedOutcome], from id: String, now: Date, into effects: inout [SchedulerEffect]) {
        guard workers[id] != nil else { return }
        workers[id]?.lastSeen = now
        var acknowledged: [String] = []
        for outcome in outcomes {
            acknowledged.append(outcome.taskID)
            guard let task = tasks[outcome.taskID], task.state == .leased || task.state == .pending else {
                continue  // done (no longer in memory), quarantined or cancelled: acknowledged, ignored
            }
            guard task.holder == id else {
                effects.append(
                    .log(SchedulerLog(.warning, "ignored a report for a task it does not hold", worker: id, task: task.id)))
                continue
            }
            switch outcome {
            case .result(let record):
                // A failure accepted for this attempt (the same batch may carry both) closed it.
                guard record.attempt == task.attempt, record.attempt > 0, record.attempt != task.failedAttempt else {
                    continue
                }
                workers[id]?.leased.remove(task.id)
                workers[id]?.done += 1
                move(task.id, to: .done)
                effects.append(.persist(.result(record)))
                effects.append(.accepted(ResultLocation(taskID: task.id, sweep: task.sweep, trial: task.trial, subset: task.subset)))
            case .failure(_, let attempt, let kind, let reason):
                guard attempt == task.attempt, task.state == .leased else { continue }
                workers[id]?.leased.remove(task.id)
                fail(task, kind: kind, reason: reason, worker: id, now: now, into: &effects)
            case .malformed(_, let attempt):
                // From the lease holder, for its attempt: the run produced something its sweep cannot
                // store, and would again; left alone it would expire and run for ever.
                guard attempt == task.attempt, task.state == .leased else { continue }
                workers[id]?.leased.remove(task.id)
                fail(
                    task, kind: .deterministic,
                    reason: "its result does not fit the sweep (sizes, outputs or metrics); see the worker's log",
                    worker: id, now: now, into: &effects)
            }
        }
        effects.append(.send(worker: id, .ack(acknowledged)))
        lease(to: id, now: now, into: &effects)
    }

    private mutating func fail(
        _ task: TaskEntry, kind: FailureKind, reason: String, worker id: String, now: Date,
        into effects: inout [SchedulerEffect]
    ) {
        let described = "\(kind.rawValue): \(reason)"
        tasks[task.id]?.failedAttempt = task.attempt
        effects.append(.persist(.event(kind: "task-failed", message: described, taskID: task.id, workerID: id, at: now)))
        switch kind {
        case .infrastructure:
            requeue(task.id)
            effects.append(.persist(.requeue(taskIDs: [task.id], at: now)))
            exclude(id, from: task.sweep, reason: reason, now: now, into: &effects)
            return
        case .deterministic:
            // Only deterministic failures spend `retries`; transient ones and kills have their own budgets.
            tasks[task.id]?.failures += 1
            tasks[task.id]?.deterministicFailures += 1
            if task.deterministicFailures + 1 > sweeps[task.sweep]?.retries ?? 0 {
                move(task.id, to: .quarantined)
            } else {
                requeue(task.id)
            }
        case .killed:
            // Each kill counts toward the crash budget, as a worker that died running the task does.
            tasks[task.id]?.failures += 1
            var crashed = task.crashed
            crashed.append("\(id)#\(task.attempt)")
            tasks[task.id]?.crashed = crashed
            if crashed.count >= options.crashBudget {
                move(task.id, to: .quarantined)
            } else {
                requeue(task.id)
            }
        case .transient:
            tasks[task.id]?.failures += 1
            tasks[task.id]?.transientFailures += 1
            if task.transientFailures + 1 >= options.maxFailures {
                move(task.id, to: .quarantined)
            } else {
                requeue(task.id)
            }
        }
        tasks[task.id]?.lastError = reason
        tasks[task.id]?.deadline = nil
        let state = tasks[task.id]?.state ?? .pending
        effects.append(.persist(.failure(taskID: task.id, state: state, failures: task.failures + 1, reason: reason, at: now)))
        effects.append(
            .log(
                SchedulerLog(
                    state == .quarantined ? .error : .warning,
                    "failed (\(described)); \(state == .quarantined ? "quarantined" : "retrying")", sweep: task.sweep,
                    worker: id, task: task.id)))
    }

    /// Excludes a worker from a sweep after an infrastructure failure: its other leases of the sweep go
    /// back to pending, and a worker that may take no open sweep's tasks is told to leave.
    private mutating func exclude(_ id: String, from sweepID: String, reason: String, now: Date, into effects: inout [SchedulerEffect]) {
        guard let worker = workers[id], sweeps[sweepID]?.exclusions[id] == nil else { return }
        sweeps[sweepID]?.exclusions[id] = (worker.pid, reason)
        if let all = sweeps[sweepID]?.exclusions, all.count > SweepState.maxExclusions {
            let connected = workers
            sweeps[sweepID]?.exclusions = all.filter { connected[$0.key] != nil }
        }
        let name = sweeps[sweepID]?.name ?? sweepID
        effects.append(.persist(.event(kind: "worker-excluded", message: reason, taskID: nil, workerID: id, at: now)))
        effects.append(.log(SchedulerLog(.error, "is excluded from sweep \(name): \(reason)", sweep: sweepID, worker: id)))
        let others = worker.leased.filter { tasks[$0]?.sweep == sweepID }.sorted()
        for taskID in others {
            workers[id]?.leased.remove(taskID)
            requeue(taskID)
        }
        if !others.isEmpty {
            effects.append(.persist(.requeue(taskIDs: others, at: now)))
        }
        if let all = exclusionFromAll(id) {
            effects.append(.send(worker: id, .bye(reason: all, excluded: true)))
        }
        updateStarvation(now: now)
    }
}
