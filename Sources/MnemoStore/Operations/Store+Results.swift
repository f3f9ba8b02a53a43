import Foundation
import GRDB

extension Store {
    /// Commits a batch of results in one transaction.
    ///
    /// A result is accepted only if its task exists, is neither done, quarantined nor cancelled, the
    /// result is for the task's latest attempt, and it comes from the worker that was leased that
    /// attempt. The task may be leased, or pending because a
    /// restart or a lost worker requeued it while the result was in flight; either way the result
    /// is accepted once, and any later copy is `alreadyDone`. Accepting stores the result, marks the
    /// task done and counts it for the worker.
    ///
    /// - Parameter results: results in any order; a task may appear more than once.
    /// - Returns: one outcome per result, in the same order.
    /// - Throws: ``StoreError``; then nothing of the batch was written.
    public func commitResults(_ results: [ResultRecord]) throws -> [CommitOutcome] {
        guard !results.isEmpty else { return [] }
        return try write("committing \(results.count) results") { db in
            var batch = CommitBatch()
            let outcomes = try results.map { result in try Self.commit(result, in: db, batch: &batch) }
            try batch.writeCounts(in: db)
            return outcomes
        }
    }

    /// Commits one result inside a transaction; an accepted result is counted in `batch`, which writes
    /// the workers' counts once at the end.
    ///
    /// The statements are prepared once per connection (GRDB's statement cache): at thousands of
    /// results a second, parsing the SQL again for each one was a third of the commit.
    static func commit(_ result: ResultRecord, in db: Database, batch: inout CommitBatch) throws -> CommitOutcome {
        // The common case in one statement: the task is open, at this attempt (never 0: attempt 0 was
        // never leased, so nobody can have run it), leased to this worker. Anything else is told apart
        // below.
        try db.cachedStatement(
            sql: """
                UPDATE task SET state = 'done', workerID = NULL, leaseDeadline = NULL, updatedAt = ?
                WHERE id = ? AND state IN ('pending', 'leased') AND attempt = ? AND attempt > 0 AND workerID = ?
                """
        ).execute(arguments: [batch.value(of: result.receivedAt), result.taskID, result.attempt, result.workerID])
        guard db.changesCount == 1 else { return try refusal(of: result, in: db) }
        try db.cachedStatement(
            sql: """
                INSERT INTO result (taskID, attempt, workerID, trainBits, testBits, subsetAccuracy, testAccuracy,
                    epochs, seconds, receivedAt, metrics)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            result.taskID, result.attempt, result.workerID, result.trainBits, result.testBits, result.subsetAccuracy,
            result.testAccuracy, result.epochs, result.seconds, batch.value(of: result.receivedAt), result.metrics,
        ])
        for array in result.arrays {
            try db.cachedStatement(sql: "INSERT INTO result_array (taskID, name, shape, data) VALUES (?, ?, ?, ?)")
                .execute(arguments: [
                    result.taskID, array.name, "[" + array.shape.map(String.init).joined(separator: ",") + "]", array.data,
                ])
        }
        batch.countAccepted(by: result.workerID)
        return .accepted
    }

    /// Why a result that did not close its task is refused.
    private static func refusal(of result: ResultRecord, in db: Database) throws -> CommitOutcome {
        let check = try db.cachedStatement(sql: "SELECT state, attempt, workerID FROM task WHERE id = ?")
        guard let task = try Row.fetchOne(check, arguments: [result.taskID]) else { return .unknownTask }
        let state: TaskState = task[0]
        let attempt: Int = task[1]
        switch state {
        case .done:
            return .alreadyDone
        case .quarantined, .cancelled:
            return .taskClosed
        case .pending, .leased:
            guard result.attempt == attempt, attempt > 0 else { return .staleAttempt }
            return .notLeaseHolder
        }
    }

    /// The number of stored results of a sweep, or of one of its trials.
    ///
    /// - Throws: ``StoreError``.
    public func resultCount(sweepID: String, trialIndex: Int? = nil) throws -> Int {
        try read("counting results of sweep \(sweepID)") { db in
            var sql = "SELECT COUNT(*) FROM result JOIN task ON task.id = result.taskID WHERE task.sweepID = ?"
            var arguments: StatementArguments = [sweepID]
            if let trialIndex {
                sql += " AND task.trialIndex = ?"
                arguments += [trialIndex]
            }
            return try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
        }
    }

    /// Streams the results of one trial in subset order, one row in memory at a time, from one
    /// consistent snapshot of the database.
    ///
    /// `body` runs while the read is open: it must not call back into this store.
    ///
    /// - Parameters:
    ///   - sweepID: the sweep.
    ///   - trialIndex: the trial.
    ///   - arrays: whether each row carries its per-example float arrays.
    ///   - body: called once per result, ordered by subset index (then task id).
    /// - Throws: ``StoreError``, or whatever `body` throws (which ends the stream).
    public func forEachResult(
        sweepID: String, trialIndex: Int, arrays: Bool = false, _ body: (ResultRow) throws -> Void
    ) throws {
        try read("reading results of trial \(trialIndex) of sweep \(sweepID)") { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT task.subsetIndex, task.seed, result.*
                    FROM task JOIN result ON result.taskID = task.id
                    WHERE task.sweepID = ? AND task.trialIndex = ?
                    ORDER BY task.subsetIndex, task.id
                    """,
                arguments: [sweepID, trialIndex])
            while let row = try rows.next() {
                var result = ResultRow(row: row)
                if arrays { result.arrays = try Self.arrays(ofTask: result.taskID, in: db) }
                try body(result)
            }
        }
    }

    /// The per-example arrays of one result, by name.
    static func arrays(ofTask taskID: String, in db: Database) throws -> [ResultArray] {
        try Row.fetchAll(db, sql: "SELECT name, shape, data FROM result_array WHERE taskID = ? ORDER BY name", arguments: [taskID])
            .map { row in
                let shapeText: String = row["shape"]
                let shape = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",").compactMap { Int($0) }
                return ResultArray(name: row["name"], shape: shape, data: row["data"])
            }
    }
}
