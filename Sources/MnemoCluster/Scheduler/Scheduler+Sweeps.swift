import Foundation
import MnemoStore

extension Scheduler {
    mutating func submit(_ submission: SweepSubmission, now: Date, into effects: inout [SchedulerEffect]) {
        if sweeps[submission.id] != nil {
            // A resubmitted sweep (grown) replaces its open tasks; counts are rebuilt from what it says.
            for (id, task) in tasks where task.sweep == submission.id { tasks[id] = nil }
        }
        var trials: [Int: TaskCounts] = [:]
        for (trial, done) in submission.doneByTrial {
            trials[trial, default: TaskCounts()].done = done
        }
        var queue: [String] = []
        for open in submission.open {
            var entry = TaskEntry(
                id: open.id, sweep: submission.id, trial: open.trialIndex, subset: open.subsetIndex, state: open.state,
                attempt: open.attempt, holder: open.workerID, deadline: nil, failures: open.failures,
                crashed: open.crashedWorkers, lastError: open.lastError)
            entry.transientFailures = open.failures
            if open.state == .leased, let holder = open.workerID {
                if workers[holder]?.leased.contains(open.id) != true {
                    // Leased by a previous coordinator: reserved for its worker for one worker timeout.
                    entry.deadline = now.addingTimeInterval(options.workerTimeout.seconds)
                    reserved[holder, default: []].insert(open.id)
                } else {
                    entry.deadline = now.addingTimeInterval(options.leaseDuration.seconds)
                }
            } else if open.state == .leased {
                entry.state = .pending
                effects.append(.persist(.requeue(taskIDs: [open.id], at: now)))
            }
            if entry.state == .pending { queue.append(open.id) }
            trials[open.trialIndex, default: TaskCounts()][entry.state] += 1
            tasks[open.id] = entry
        }
        let order = sweeps[submission.id]?.order ?? submitted
        if sweeps[submission.id] == nil { submitted += 1 }
        // A resubmitted (grown) sweep keeps its exclusions: the same processes still have the wrong data.
        let exclusions = sweeps[submission.id]?.exclusions ?? [:]
        sweeps[submission.id] = SweepState(
            id: submission.id, name: submission.name, priority: submission.priority, order: order, trials: trials,
            queue: queue, retries: submission.retries, gpus: submission.gpus, exclusions: exclusions)
        let reservedCount = submission.open.filter { open in
            open.state == .leased && open.workerID.map { workers[$0]?.leased.contains(open.id) != true } == true
        }.count
        if reservedCount > 0 {
            effects.append(
                .log(
                    SchedulerLog(
                        .info,
                        "\(reservedCount) tasks were leased when the previous coordinator stopped; they stay reserved for \(Int(options.workerTimeout.seconds))s for their workers to reclaim",
                        sweep: submission.id)))
        }
        for worker in workers.keys.sorted() {
            lease(to: worker, now: now, into: &effects)
        }
        updateStarvation(now: now)
    }

    mutating func cancel(sweep: String, trial: Int?, reason: String?, now: Date, into effects: inout [SchedulerEffect]) {
        let selected = tasks.values.filter {
            $0.sweep == sweep && (trial == nil || $0.trial == trial) && ($0.state == .pending || $0.state == .leased)
        }.sorted { ($0.trial, $0.subset) < ($1.trial, $1.subset) }
        guard !selected.isEmpty else { return }
        var revoked: [String: [String]] = [:]
        for task in selected {
            if task.state == .leased, let holder = task.holder, workers[holder]?.leased.remove(task.id) != nil {
                revoked[holder, default: []].append(task.id)
            }
            reserved[task.holder ?? ""]?.remove(task.id)
            move(task.id, to: .cancelled)
            tasks[task.id]?.deadline = nil
            if let reason { tasks[task.id]?.lastError = reason }
        }
        effects.append(.persist(.cancel(taskIDs: selected.map(\.id), at: now, reason: reason)))
        for (worker, ids) in revoked.sorted(by: { $0.key < $1.key }) {
            effects.append(.send(worker: worker, .heartbeat(revoked: ids)))
        }
        effects.append(
            .log(
                SchedulerLog(
                    .info,
                    "cancelled \(selected.count) tasks\(trial.map { " of trial \($0)" } ?? "")\(reason.map { " (\($0))" } ?? "")",
                    sweep: sweep)))
    }

    mutating func retry(sweep: String?, trial: Int?, reason: String?, now: Date, into effects: inout [SchedulerEffect]) {
        let selected = tasks.values.filter { task in
            (sweep == nil || task.sweep == sweep) && (trial == nil || task.trial == trial)
                && (task.state == .quarantined || task.state == .cancelled)
                && (reason == nil || (task.lastError ?? "").contains(reason!))
        }.sorted { ($0.sweep, $0.trial, $0.subset) < ($1.sweep, $1.trial, $1.subset) }
        guard !selected.isEmpty else { return }
        for task in selected {
            move(task.id, to: .pending)
            tasks[task.id]?.failures = 0
            tasks[task.id]?.transientFailures = 0
            tasks[task.id]?.deterministicFailures = 0
            tasks[task.id]?.crashed = []
            tasks[task.id]?.lastError = nil
            sweeps[task.sweep]?.requeued.append(task.id)
        }
        effects.append(.persist(.retry(taskIDs: selected.map(\.id), at: now)))
        effects.append(.log(SchedulerLog(.info, "retrying \(selected.count) tasks with a fresh budget", sweep: sweep)))
        for worker in workers.keys.sorted() {
            lease(to: worker, now: now, into: &effects)
        }
        updateStarvation(now: now)
    }

    /// Moves a task to `state`, keeping its trial's counts; a task that becomes pending is queued, one
    /// that becomes done leaves memory.
    mutating func move(_ id: String, to state: TaskState) {
        guard let task = tasks[id] else { return }
        sweeps[task.sweep]?.trials[task.trial, default: TaskCounts()].move(from: task.state, to: state)
        if state == .done {
            tasks[id] = nil
            return
        }
        tasks[id]?.state = state
    }

    /// Returns a leased task to pending, first in line; attempt, holder and budget are kept.
    mutating func requeue(_ id: String) {
        guard let task = tasks[id], task.state == .leased else { return }
        move(id, to: .pending)
        tasks[id]?.deadline = nil
        sweeps[task.sweep]?.requeued.append(id)
    }

    /// The next pending task of a sweep, or nil.
    mutating func nextPending(in sweepID: String) -> String? {
        guard var sweep = sweeps[sweepID] else { return nil }
        defer { sweeps[sweepID] = sweep }
        while let id = sweep.requeued.first {
            sweep.requeued.removeFirst()
            if tasks[id]?.state == .pending { return id }
        }
        while sweep.head < sweep.queue.count {
            let id = sweep.queue[sweep.head]
            sweep.head += 1
            if tasks[id]?.state == .pending { return id }
        }
        return nil
    }
}
