import Foundation
import GRDB

extension Store {
    /// Records that a worker is alive: inserts it on first sight, otherwise updates its host, pid
    /// and `lastSeen` (keeping `firstSeen` and `tasksDone`).
    ///
    /// - Throws: ``StoreError``.
    public func upsertWorker(id: String, host: String, pid: Int, seenAt: Date = Date()) throws {
        try write("recording worker \(id)") { db in
            try Self.upsertWorker(db, id: id, host: host, pid: pid, seenAt: seenAt)
        }
    }

    static func upsertWorker(_ db: Database, id: String, host: String, pid: Int, seenAt: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO worker (id, host, pid, firstSeen, lastSeen, tasksDone) VALUES (?, ?, ?, ?, ?, 0)
                ON CONFLICT (id) DO UPDATE
                SET host = excluded.host, pid = excluded.pid, lastSeen = excluded.lastSeen
                """,
            arguments: [id, host, pid, seenAt, seenAt])
    }

    /// The CURVE key each worker id belongs to (``StoreWrite/workerKey(id:publicKey:at:)``).
    ///
    /// - Throws: ``StoreError``.
    public func workerKeys() throws -> [String: String] {
        try read("reading the workers' keys") { db in
            Dictionary(
                try Row.fetchAll(db, sql: "SELECT workerID, publicKey FROM worker_key").map { ($0["workerID"], $0["publicKey"]) },
                uniquingKeysWith: { first, _ in first })
        }
    }

    /// Every worker ever seen, most recently seen first.
    ///
    /// - Throws: ``StoreError``.
    public func workers() throws -> [WorkerRecord] {
        try read("listing workers") { db in
            try WorkerRecord.order(Column("lastSeen").desc, Column("id")).fetchAll(db)
        }
    }

    /// The latest events, newest first.
    ///
    /// - Parameter limit: the most events to return.
    /// - Throws: ``StoreError``.
    public func recentEvents(limit: Int) throws -> [EventRecord] {
        try read("reading events") { db in
            try EventRecord.order(Column("id").desc).limit(limit).fetchAll(db)
        }
    }
}
