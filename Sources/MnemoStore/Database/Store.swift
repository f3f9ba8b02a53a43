import Foundation
import GRDB

/// Mnemo's SQLite database: the only type in Mnemo that touches SQL.
///
/// One process writes (the coordinator, through ``init(path:)``); any number of others read at the
/// same time through ``openReadOnly(path:)`` (`mnemo status`, `scores`, `export`), which the
/// database's WAL mode allows. Every method is synchronous and runs in one transaction, so a
/// failed write changes nothing. Failures are thrown as ``StoreError``.
///
/// ```swift
/// let store = try Store(path: "runs/x.sqlite")
/// try store.registerSweep(sweep)
/// let leased = try store.leasePendingTasks(sweepID: sweep.id, limit: 8, workerID: "w1", deadline: deadline)
/// ```
public final class Store: Sendable {
    /// The database file.
    public let path: String
    /// Whether this store was opened with ``openReadOnly(path:)``.
    public let isReadOnly: Bool

    let pool: DatabasePool

    /// Seconds a connection waits for another connection's lock before failing with a `busy`
    /// ``StoreError``. Readers in WAL mode rarely wait at all; the writer
    /// may wait for a checkpoint or for a second writer by mistake.
    static let busyTimeout: TimeInterval = 30

    /// SQLite's page cache of the writing connection, in KiB. With the default (2 MiB) committing
    /// results read most task pages from the file again: 32 MiB gave ~25% more results a second than
    /// 8 MiB at 20,000 and 100,000 tasks, and bounds what a coordinator's memory grows by with
    /// finished tasks.
    static let cacheKiB = 32 * 1024

    /// WAL pages after which a commit copies the log back into the database (SQLite's default is
    /// 1,000). A task's row is written twice (leased, done) in different commits; with a longer log
    /// both land in one checkpoint: ~10% more results a second, for a log of up to 32 MiB.
    static let checkpointPages = 8_192

    /// Opens the database at `path` for writing, creating the file if needed and migrating it to the
    /// current schema.
    ///
    /// - Parameter path: the database file; its directory must exist.
    /// - Throws: ``StoreError`` if the file cannot be opened or migrated, or has a newer schema.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.label = "MnemoStore"
        configuration.prepareDatabase { db in
            // The writer only: readers (status, scores) keep SQLite's defaults.
            guard !db.configuration.readonly else { return }
            try db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKiB)")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.checkpointPages)")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw StoreError(error, operation: "opening for writing", path: path, wasWrite: false)
        }
        self.path = path
        self.isReadOnly = false
        let migrator = StoreSchema.migrator
        do {
            // Checked on the writer: a reader connection opened before the migration would keep
            // the old schema's column lists for its cached statements.
            if try pool.writeWithoutTransaction({ db in try migrator.hasBeenSuperseded(db) }) {
                throw StoreError(reason: .newerSchema, operation: "opening for writing", path: path)
            }
            try migrator.migrate(pool)
            pool.invalidateReadOnlyConnections()
        } catch let error as DatabaseError {
            throw StoreError(error, operation: "migrating the schema", path: path, wasWrite: true)
        }
    }

    /// Opens a database that must already be Mnemo's for writing: commands that change an existing
    /// database (`cancel`, `retry`, `delete`) never turn another file into one.
    ///
    /// - Throws: ``StoreError`` with reason `missingDatabase` or `notMnemoDatabase` (as
    ///   ``openReadOnly(path:)`` does), or what ``init(path:)`` throws.
    public static func openExisting(path: String) throws -> Store {
        _ = try openReadOnly(path: path)
        return try Store(path: path)
    }

    private init(readOnlyPool: DatabasePool, path: String) {
        self.pool = readOnlyPool
        self.path = path
        self.isReadOnly = true
    }

    /// Opens an existing database for reading only, while a coordinator may be writing to it.
    ///
    /// A database in a folder this process cannot write (a read-only mount, an archive) is opened
    /// as immutable instead: SQLite's WAL mode would otherwise need to create the `-shm` file
    /// beside it. Nothing can change such a file while it is read.
    ///
    /// - Parameter path: the database file.
    /// - Returns: a store whose writing methods throw ``StoreError`` with reason `readOnly`.
    /// - Throws: ``StoreError`` with reason `missingDatabase` if there is no file at `path`
    ///   ("no Mnemo database at PATH"), `notMnemoDatabase` if it does not hold Mnemo's schema,
    ///   `newerSchema` if a newer Mnemo wrote it.
    public static func openReadOnly(path: String) throws -> Store {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(reason: .missingDatabase, operation: "opening read-only", path: path)
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            return try openReadOnly(sqlitePath: path, path: path)
        } catch let error as StoreError where error.reason == .olderSchema {
            // Written by an older Mnemo: upgrade it in place (the migrations only add) when no
            // coordinator holds it and the file is writable, then read it.
            guard DatabaseLock.holder(databasePath: path) == nil, FileManager.default.isWritableFile(atPath: path) else {
                throw error
            }
            _ = try Store(path: path)
            return try openReadOnly(sqlitePath: path, path: path)
        } catch let error as StoreError
            where error.reason != .notMnemoDatabase && error.reason != .newerSchema
            && !FileManager.default.isWritableFile(atPath: folder)
        {
            return try openReadOnly(sqlitePath: immutableURI(path), path: path)
        }
    }

    /// Opens `sqlitePath` (the file's path, or a `file:` URI naming it) read-only and checks its schema.
    private static func openReadOnly(sqlitePath: String, path: String) throws -> Store {
        let operation = "opening read-only"
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "MnemoStore.readOnly"
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: sqlitePath, configuration: configuration)
        } catch let error as DatabaseError {
            throw StoreError(error, operation: operation, path: path, wasWrite: false)
        }
        let migrator = StoreSchema.migrator
        if try isSuperseded(pool, migrator: migrator, path: path) {
            throw StoreError(reason: .newerSchema, operation: operation, path: path)
        }
        let isComplete: Bool
        do {
            isComplete = try pool.read { db in try migrator.hasCompletedMigrations(db) }
        } catch let error as DatabaseError {
            throw StoreError(error, operation: operation, path: path, wasWrite: false)
        }
        guard isComplete else {
            let applied = (try? pool.read { db in try migrator.appliedIdentifiers(db) }) ?? []
            throw StoreError(reason: applied.isEmpty ? .notMnemoDatabase : .olderSchema, operation: operation, path: path)
        }
        return Store(readOnlyPool: pool, path: path)
    }

    /// An SQLite URI opening `path` read-only as immutable: no locks, no `-shm` or `-wal` files.
    /// SQLite reads URI filenames when built with `SQLITE_USE_URI`, as Debian's and Ubuntu's are.
    private static func immutableURI(_ path: String) -> String {
        var escaped = ""
        for character in path.unicodeScalars {
            switch character {
            case "%", "?", "#": escaped += String(format: "%%%02X", character.value)
            default: escaped.unicodeScalars.append(character)
            }
        }
        return "file:\(escaped)?mode=ro&immutable=1"
    }

    private static func isSuperseded(_ pool: DatabasePool, migrator: DatabaseMigrator, path: String) throws -> Bool {
        do {
            return try pool.read { db in try migrator.hasBeenSuperseded(db) }
        } catch let error as DatabaseError {
            throw StoreError(error, operation: "reading the schema version", path: path, wasWrite: false)
        }
    }

    /// Runs `body` in one write transaction, turning SQLite errors into ``StoreError``.
    func write<T>(_ operation: @autoclosure () -> String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.write(body)
        } catch let error as DatabaseError {
            throw StoreError(error, operation: operation(), path: path, wasWrite: true)
        }
    }

    /// Runs `body` in one read transaction (a consistent snapshot), turning SQLite errors into
    /// ``StoreError``. Errors thrown by `body` itself pass through unchanged.
    func read<T>(_ operation: @autoclosure () -> String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as DatabaseError {
            throw StoreError(error, operation: operation(), path: path, wasWrite: false)
        }
    }
}
