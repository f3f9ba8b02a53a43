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

    /// Tasks that failed at least once or are quarantined, with their last reason, newest first.
    ///
    /// - Throws: ``StoreError``.
    public func failedTasks(sweepID: String) throws -> [TaskRecord] {
        try read("listing failed tasks of sweep \(sweepID)") { db in
            try TaskRecord.filter(Column("sweepID") == sweepID)
                .filter(Column("lastError") != nil || Column("state") == TaskState.quarantined.rawValue)
                .order(Column("updatedAt").desc).fetchAll(db)
        }
    }

    /// The first task of a sweep in (trial, subset) order, or nil when it has none.
    ///
    /// - Throws: ``StoreError``.
    public func firstTask(sweepID: String) throws -> TaskRecord? {
        try read("reading the first task of sweep \(sweepID)") { db in
            try TaskRecord.filter(Column("sweepID") == sweepID)
                .order(Column("trialIndex"), Column("subsetIndex"), Column("id")).fetchOne(db)
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
            try db.execute(
                sql: "UPDATE task SET state = 'pending', leaseDeadline = NULL, updatedAt = ? WHERE state = 'leased'",
                arguments: [now])
            return db.changesCount
        }
    }

    /// Why a sweep's tasks were quarantined: each distinct reason with its task count, commonest first.
    ///
    /// - Throws: ``StoreError``.
    public func quarantineReasons(sweepID: String) throws -> [(reason: String, count: Int)] {
        try reasons(sweepID: sweepID, state: .quarantined)
    }

    /// Why the sweep's tasks in `state` are there (their last error or cancellation reason; "no reason
    /// recorded" for an admin's cancel), with how many tasks each, most frequent first.
    public func reasons(sweepID: String, state: TaskState) throws -> [(reason: String, count: Int)] {
        try read("reading \(state.rawValue) reasons of sweep \(sweepID)") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT COALESCE(lastError, 'no reason recorded') AS reason, COUNT(*) AS count FROM task
                    WHERE sweepID = ? AND state = ? GROUP BY reason ORDER BY count DESC, reason
                    """,
                arguments: [sweepID, state]
            ).map { (reason: $0["reason"], count: $0["count"]) }
        }
    }

    /// The recorded reasons of a sweep's cancelled tasks, per trial (admin cancels record none).
    ///
    /// - Throws: ``StoreError``.
    public func cancellationReasons(sweepID: String) throws -> [Int: [String]] {
        try read("reading cancellation reasons of sweep \(sweepID)") { db in
            var reasons: [Int: [String]] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT trialIndex, lastError FROM task
                    WHERE sweepID = ? AND state = 'cancelled' AND lastError IS NOT NULL ORDER BY trialIndex, lastError
                    """,
                arguments: [sweepID])
            {
                reasons[row["trialIndex"], default: []].append(row["lastError"])
            }
            return reasons
        }
    }
}
