import Foundation
import GRDB

extension Store {
    /// Applies a batch of writes in one transaction, in order: all of them or, on error, none.
    ///
    /// Results are still checked here (the task's latest attempt, its holder, not closed), so a
    /// result the scheduler let through by mistake cannot overwrite a finished one.
    ///
    /// - Returns: the outcome of each `.result` write, in order.
    /// - Throws: ``StoreError``.
    @discardableResult
    public func apply(_ writes: [StoreWrite]) throws -> [CommitOutcome] {
        guard !writes.isEmpty else { return [] }
        return try write("committing \(Self.summary(of: writes))") { db in
            var outcomes: [CommitOutcome] = []
            var batch = CommitBatch()
            for write in writes {
                switch write {
                case .lease(let taskID, let attempt, let worker, let at):
                    try db.cachedStatement(
                        sql: """
                            UPDATE task SET state = 'leased', attempt = ?, workerID = ?, leaseDeadline = NULL, updatedAt = ?
                            WHERE id = ?
                            """
                    ).execute(arguments: [attempt, worker, batch.value(of: at), taskID])
                case .result(let result):
                    outcomes.append(try Self.commit(result, in: db, batch: &batch))
                case .requeue(let taskIDs, let at):
                    for id in taskIDs {
                        try db.cachedStatement(
                            sql: "UPDATE task SET state = 'pending', leaseDeadline = NULL, updatedAt = ? WHERE id = ? AND state = 'leased'"
                        ).execute(arguments: [batch.value(of: at), id])
                    }
                case .failure(let taskID, let state, let failures, let reason, let at):
                    try db.execute(
                        sql: """
                            UPDATE task SET state = ?, failures = ?, lastError = ?, leaseDeadline = NULL, updatedAt = ?
                            WHERE id = ?
                            """,
                        arguments: [state, failures, reason, at, taskID])
                case .crash(let taskID, let state, let crashed, let reason, let at):
                    try db.execute(
                        sql: """
                            UPDATE task SET state = ?, crashedWorkers = ?, lastError = COALESCE(?, lastError),
                                leaseDeadline = NULL, updatedAt = ?
                            WHERE id = ?
                            """,
                        arguments: [state, crashed.joined(separator: ","), reason, at, taskID])
                case .cancel(let taskIDs, let at, let reason):
                    for id in taskIDs {
                        try db.execute(
                            sql: """
                                UPDATE task SET state = 'cancelled', leaseDeadline = NULL, lastError = COALESCE(?, lastError),
                                    updatedAt = ?
                                WHERE id = ? AND state IN ('pending', 'leased')
                                """,
                            arguments: [reason, at, id])
                    }
                case .retry(let taskIDs, let at):
                    for id in taskIDs {
                        try db.execute(
                            sql: """
                                UPDATE task SET state = 'pending', failures = 0, crashedWorkers = '', lastError = NULL,
                                    leaseDeadline = NULL, updatedAt = ?
                                WHERE id = ? AND state IN ('quarantined', 'cancelled')
                                """,
                            arguments: [at, id])
                    }
                case .worker(let id, let host, let pid, let seenAt):
                    try Self.upsertWorker(db, id: id, host: host, pid: pid, seenAt: seenAt)
                case .workerKey(let id, let publicKey, let at):
                    try db.execute(
                        sql: "INSERT INTO worker_key (workerID, publicKey, since) VALUES (?, ?, ?) ON CONFLICT (workerID) DO NOTHING",
                        arguments: [id, publicKey, at])
                case .event(let kind, let message, let taskID, let workerID, let at):
                    var event = EventRecord(time: at, kind: kind, message: message, taskID: taskID, workerID: workerID)
                    try event.insert(db)
                }
            }
            try batch.writeCounts(in: db)
            return outcomes
        }
    }

    /// "3 results, 2 leases": what a batch holds, for error messages.
    static func summary(of writes: [StoreWrite]) -> String {
        var counts: [(String, Int)] = []
        for write in writes {
            let kind: String
            switch write {
            case .lease: kind = "lease"
            case .result: kind = "result"
            case .requeue: kind = "requeue"
            case .failure: kind = "failure"
            case .crash: kind = "worker death"
            case .cancel: kind = "cancellation"
            case .retry: kind = "retry"
            case .worker: kind = "worker record"
            case .workerKey: kind = "worker key"
            case .event: kind = "event"
            }
            if let index = counts.firstIndex(where: { $0.0 == kind }) {
                counts[index].1 += 1
            } else {
                counts.append((kind, 1))
            }
        }
        return counts.map { "\($0.1) \($0.0)\($0.1 == 1 ? "" : "s")" }.joined(separator: ", ")
    }
}
