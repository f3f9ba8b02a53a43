import Foundation
import GRDB

extension Store {
    /// Inserts the tasks whose id is not in the database yet. Existing tasks, whatever their state,
    /// are left untouched, so resubmitting a sweep never resets finished work.
    ///
    /// - Returns: the number of tasks inserted.
    /// - Throws: ``StoreError`` (also if a task's sweep or trial is not inserted).
    @discardableResult
    public func insertTasksIfAbsent(_ tasks: [TaskRecord]) throws -> Int {
        try write("inserting \(tasks.count) tasks") { db in
            var inserted = 0
            for task in tasks {
                try task.insert(db, onConflict: .ignore)
                inserted += db.changesCount
            }
            return inserted
        }
    }

    /// The tasks of a sweep in (trialIndex, subsetIndex) order.
    ///
    /// - Throws: ``StoreError``.
    public func tasks(sweepID: String) throws -> [TaskRecord] {
        try read("listing tasks of sweep \(sweepID)") { db in
            try TaskRecord.filter(Column("sweepID") == sweepID)
                .order(Column("trialIndex"), Column("subsetIndex"), Column("id"))
                .fetchAll(db)
        }
    }

    /// The tasks of a sweep that are not done, in (trialIndex, subsetIndex) order, without their specs.
    ///
    /// - Throws: ``StoreError``.
    public func openTasks(sweepID: String) throws -> [OpenTask] {
        try read("listing the open tasks of sweep \(sweepID)") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, trialIndex, subsetIndex, state, attempt, workerID, failures, crashedWorkers, lastError
                    FROM task WHERE sweepID = ? AND state != 'done' ORDER BY trialIndex, subsetIndex, id
                    """,
                arguments: [sweepID]
            ).map { row in
                let crashed: String = row["crashedWorkers"]
                return OpenTask(
                    id: row["id"], trialIndex: row["trialIndex"], subsetIndex: row["subsetIndex"], state: row["state"],
                    attempt: row["attempt"], workerID: row["workerID"], failures: row["failures"],
                    crashedWorkers: crashed.split(separator: ",").map(String.init), lastError: row["lastError"])
            }
        }
    }

    /// The tasks leased to a worker now.
    ///
    /// - Throws: ``StoreError``.
    public func tasks(leasedTo workerID: String) throws -> [TaskRecord] {
        try read("listing the leases of worker \(workerID)") { db in
            try TaskRecord.filter(Column("state") == TaskState.leased.rawValue)
                .filter(Column("workerID") == workerID).fetchAll(db)
        }
    }

    /// The task with this id, or nil.
    ///
    /// - Throws: ``StoreError``.
    public func task(id: String) throws -> TaskRecord? {
        try read("reading task \(id)") { db in
            try TaskRecord.fetchOne(db, key: id)
        }
    }

    /// Returns every leased task to pending. The coordinator calls this on start, when no lease it
    /// finds can still be honoured. Attempt numbers are kept, so a result that was in flight when
    /// the previous coordinator stopped is still accepted, once.
    ///
    /// - Returns: the number of tasks requeued.
    /// - Throws: ``StoreError``.
    @discardableResult
    public func requeueLeasedTasks(now: Date = Date()) throws -> Int {
        try write("requeueing leased tasks") { db in
            try Self.requeue(db, condition: "TRUE", arguments: [], now: now)
        }
    }

    /// Leases up to `limit` pending tasks of a sweep to a worker, in (trialIndex, subsetIndex)
    /// order. Each leased task gets the next attempt number.
    ///
    /// - Parameters:
    ///   - sweepID: the sweep to take tasks from.
    ///   - limit: the most tasks to lease (the worker's credit).
    ///   - workerID: the worker receiving the lease.
    ///   - deadline: when the lease runs out unless extended.
    ///   - now: stored as the tasks' `updatedAt`.
    /// - Returns: the leased tasks as now stored (state `leased`, new attempt); empty when none is
    ///   pending.
    /// - Throws: ``StoreError``.
    public func leasePendingTasks(
        sweepID: String, limit: Int, workerID: String, deadline: Date, now: Date = Date()
    ) throws -> [TaskRecord] {
        guard limit > 0 else { return [] }
        return try write("leasing up to \(limit) tasks of sweep \(sweepID) to worker \(workerID)") { db in
            // RETURNING yields the rows as stored (dates at millisecond precision) but in no set order.
            let leased = try TaskRecord.fetchAll(
                db,
                sql: """
                    UPDATE task
                    SET state = 'leased', attempt = attempt + 1, workerID = ?, leaseDeadline = ?, updatedAt = ?
                    WHERE id IN (
                        SELECT id FROM task WHERE sweepID = ? AND state = 'pending'
                        ORDER BY trialIndex, subsetIndex, id LIMIT ?)
                    RETURNING *
                    """,
                arguments: [workerID, deadline, now, sweepID, limit])
            return leased.sorted { ($0.trialIndex, $0.subsetIndex, $0.id) < ($1.trialIndex, $1.subsetIndex, $1.id) }
        }
    }

    /// Moves the deadline of the leases a worker names in its heartbeat. Tasks it does not name, or
    /// that it does not hold, are left alone (their leases run out unless named again).
    ///
    /// - Returns: the number of leases extended.
    /// - Throws: ``StoreError``.
    @discardableResult
    public func extendLeases(_ taskIDs: [String], workerID: String, deadline: Date) throws -> Int {
        guard !taskIDs.isEmpty else { return 0 }
        return try write("extending the leases of worker \(workerID)") { db in
            var extended = 0
            for id in taskIDs {
                try db.execute(
                    sql: "UPDATE task SET leaseDeadline = ? WHERE id = ? AND state = 'leased' AND workerID = ?",
                    arguments: [deadline, id, workerID])
                extended += db.changesCount
            }
            return extended
        }
    }

    /// Keeps every leased task reserved for its worker until `deadline`: a coordinator that starts on a
    /// database whose previous coordinator died gives the workers still training those tasks one worker
    /// timeout to reconnect and claim them; unclaimed ones then expire to pending.
    ///
    /// - Returns: the leased tasks, as now stored.
    /// - Throws: ``StoreError``.
    public func reserveLeasedTasks(until deadline: Date) throws -> [TaskRecord] {
        try write("reserving leased tasks for their workers") { db in
            try db.execute(sql: "UPDATE task SET leaseDeadline = ? WHERE state = 'leased'", arguments: [deadline])
            return try TaskRecord.filter(Column("state") == TaskState.leased.rawValue).fetchAll(db)
        }
    }

    /// Why a sweep's tasks were quarantined: each distinct reason with its task count, commonest first.
    ///
    /// - Throws: ``StoreError``.
    public func quarantineReasons(sweepID: String) throws -> [(reason: String, count: Int)] {
        try read("reading quarantine reasons of sweep \(sweepID)") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT COALESCE(lastError, 'no reason recorded') AS reason, COUNT(*) AS count FROM task
                    WHERE sweepID = ? AND state = 'quarantined' GROUP BY reason ORDER BY count DESC, reason
                    """,
                arguments: [sweepID]
            ).map { (reason: $0["reason"], count: $0["count"]) }
        }
    }

    /// Returns the tasks leased to a worker to pending, when the worker died or left. This is an
    /// infrastructure loss: the failure budget is not spent.
    ///
    /// - Returns: the number of tasks requeued.
    /// - Throws: ``StoreError``.
    @discardableResult
    public func requeueTasks(ofWorker workerID: String, now: Date = Date()) throws -> Int {
        try write("requeueing the tasks of worker \(workerID)") { db in
            try Self.requeue(db, condition: "workerID = ?", arguments: [workerID], now: now)
        }
    }

    /// Returns the leased tasks whose deadline is before `now` to pending. The failure budget is
    /// not spent.
    ///
    /// - Returns: the number of tasks requeued.
    /// - Throws: ``StoreError``.
    @discardableResult
    public func requeueExpiredLeases(now: Date = Date()) throws -> Int {
        try write("requeueing expired leases") { db in
            try Self.requeue(db, condition: "leaseDeadline < ?", arguments: [now], now: now)
        }
    }

    /// Records a failure reported for a task's current lease by the worker that holds it.
    ///
    /// - A deterministic failure quarantines the task at once (the same inputs would fail again).
    /// - A transient failure sends the task back to pending, or to quarantined once it has failed
    ///   `maxFailures` times.
    /// - An infrastructure failure (the worker's dataset is missing or differs) returns the task to
    ///   pending without spending its budget; the caller excludes the worker.
    ///
    /// A report for any other attempt, from a worker that does not hold the lease, or for a task that is
    /// not leased (a duplicate, or one that arrives after a restart requeued the task) changes nothing,
    /// so a failure is never counted twice and no peer can fail another's task.
    ///
    /// - Parameters:
    ///   - taskID: the failed task.
    ///   - attempt: the attempt that failed.
    ///   - workerID: the worker reporting it.
    ///   - kind: the failure class.
    ///   - reason: the worker's explanation, kept as `lastError`.
    ///   - maxFailures: the transient failure budget K (at least 1).
    ///   - now: stored as `updatedAt`.
    /// - Returns: what was done with the report.
    /// - Throws: ``StoreError``.
    @discardableResult
    public func recordFailure(
        taskID: String, attempt: Int, workerID: String, kind: FailureKind, reason: String, maxFailures: Int,
        now: Date = Date()
    ) throws -> FailureOutcome {
        precondition(maxFailures >= 1, "the failure budget must allow at least one failure")
        return try write("recording a failure of task \(taskID)") { db in
            guard var task = try TaskRecord.fetchOne(db, key: taskID) else { return .unknownTask }
            guard task.state == .leased, task.attempt == attempt else { return .ignored }
            guard task.workerID == workerID else { return .notLeaseHolder }
            task.leaseDeadline = nil
            task.updatedAt = now
            switch kind {
            case .infrastructure:
                task.state = .pending
                try task.update(db)
                return .released
            case .deterministic:
                task.failures += 1
                task.state = .quarantined
            case .transient:
                task.failures += 1
                task.state = task.failures >= maxFailures ? .quarantined : .pending
            }
            task.lastError = reason
            try task.update(db)
            return task.state == .quarantined
                ? .quarantined(failures: task.failures) : .requeued(failures: task.failures)
        }
    }

    /// Counts the death of a worker (killed, out of memory, silent past its timeout) against every task
    /// it held: each returns to pending, or is quarantined as one that kills its worker once
    /// `crashBudget` distinct workers died holding it. The transient failure budget is not spent.
    ///
    /// - Parameters:
    ///   - workerID: the worker that died.
    ///   - crashBudget: distinct worker deaths that quarantine a task (3 by default).
    ///   - now: stored as `updatedAt`.
    /// - Returns: the ids of the tasks quarantined by this death (the rest went back to pending).
    /// - Throws: ``StoreError``.
    @discardableResult
    public func recordWorkerDeath(workerID: String, crashBudget: Int = 3, now: Date = Date()) throws -> [String] {
        precondition(crashBudget >= 1, "the crash budget must allow at least one death")
        return try write("recording the death of worker \(workerID)") { db in
            var quarantined: [String] = []
            let held = try TaskRecord.filter(Column("state") == TaskState.leased.rawValue)
                .filter(Column("workerID") == workerID).fetchAll(db)
            for var task in held {
                var crashed = task.crashedWorkers.split(separator: ",").map(String.init)
                if !crashed.contains(workerID) { crashed.append(workerID) }
                task.crashedWorkers = crashed.joined(separator: ",")
                task.leaseDeadline = nil
                task.updatedAt = now
                if crashed.count >= crashBudget {
                    task.state = .quarantined
                    task.lastError = "kills its worker (\(crashed.count) workers died running it; last: \(workerID))"
                    quarantined.append(task.id)
                } else {
                    task.state = .pending
                }
                try task.update(db)
            }
            return quarantined
        }
    }

    /// Returns leases a worker hands back (it is stopping, or was told to drain) to pending, keeping
    /// their attempt numbers and budgets. Only tasks this worker holds are touched.
    ///
    /// - Returns: the number of tasks returned.
    /// - Throws: ``StoreError``.
    @discardableResult
    public func releaseTasks(_ taskIDs: [String], workerID: String, now: Date = Date()) throws -> Int {
        guard !taskIDs.isEmpty else { return 0 }
        return try write("returning \(taskIDs.count) tasks of worker \(workerID)") { db in
            var released = 0
            for id in taskIDs {
                released += try Self.requeue(db, condition: "id = ? AND workerID = ?", arguments: [id, workerID], now: now)
            }
            return released
        }
    }

    /// Returns the leased tasks matching `condition` to pending, keeping their attempt numbers and the
    /// id of the worker that held them (a result it had in flight is still accepted, once).
    private static func requeue(
        _ db: Database, condition: String, arguments: StatementArguments, now: Date
    ) throws -> Int {
        try db.execute(
            sql: """
                UPDATE task SET state = 'pending', leaseDeadline = NULL, updatedAt = ?
                WHERE state = 'leased' AND \(condition)
                """,
            arguments: [now] + arguments)
        return db.changesCount
    }
}
