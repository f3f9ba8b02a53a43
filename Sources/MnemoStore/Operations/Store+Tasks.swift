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

    /// Moves the deadline of every lease a worker holds, as its heartbeats arrive.
    ///
    /// - Returns: the number of leases extended.
    /// - Throws: ``StoreError``.
    @discardableResult
    public func extendLeases(workerID: String, deadline: Date) throws -> Int {
        try write("extending the leases of worker \(workerID)") { db in
            try db.execute(
                sql: "UPDATE task SET leaseDeadline = ? WHERE state = 'leased' AND workerID = ?",
                arguments: [deadline, workerID])
            return db.changesCount
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

    /// Counts an application failure reported for a task's current lease: the task goes back to
    /// pending, or to quarantined once it has failed `maxFailures` times. A report for any other
    /// attempt, or for a task that is not leased (a duplicate report, or one that arrives after a
    /// restart requeued the task), is ignored, so a failure is never counted twice.
    ///
    /// - Parameters:
    ///   - taskID: the failed task.
    ///   - attempt: the attempt that failed.
    ///   - reason: the worker's explanation, kept as `lastError`.
    ///   - maxFailures: the failure budget K (at least 1).
    ///   - now: stored as `updatedAt`.
    /// - Returns: what was done with the report.
    /// - Throws: ``StoreError``.
    @discardableResult
    public func recordFailure(
        taskID: String, attempt: Int, reason: String, maxFailures: Int, now: Date = Date()
    ) throws -> FailureOutcome {
        precondition(maxFailures >= 1, "the failure budget must allow at least one failure")
        return try write("recording a failure of task \(taskID)") { db in
            guard var task = try TaskRecord.fetchOne(db, key: taskID) else { return .unknownTask }
            guard task.state == .leased, task.attempt == attempt else { return .ignored }
            task.failures += 1
            task.lastError = reason
            task.state = task.failures >= maxFailures ? .quarantined : .pending
            task.workerID = nil
            task.leaseDeadline = nil
            task.updatedAt = now
            try task.update(db)
            return task.state == .quarantined
                ? .quarantined(failures: task.failures) : .requeued(failures: task.failures)
        }
    }

    /// Returns the leased tasks matching `condition` to pending, keeping their attempt numbers.
    private static func requeue(
        _ db: Database, condition: String, arguments: StatementArguments, now: Date
    ) throws -> Int {
        try db.execute(
            sql: """
                UPDATE task SET state = 'pending', workerID = NULL, leaseDeadline = NULL, updatedAt = ?
                WHERE state = 'leased' AND \(condition)
                """,
            arguments: [now] + arguments)
        return db.changesCount
    }
}
