import GRDB

/// A database operation failed. Names the operation and the database file, and says what the
/// caller can rely on: every write is one transaction, so a failed write changed nothing.
///
/// ```
/// database runs/x.sqlite: disk full while committing 12 results; nothing was written
/// ```
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; compare with the static members.
    public struct Reason: Sendable, Hashable, CustomStringConvertible {
        private enum Kind: Sendable, Hashable {
            case missingDatabase, notMnemoDatabase, newerSchema, olderSchema, diskFull, busy, readOnly, sqlite
        }
        private let kind: Kind

        /// The database file does not exist.
        public static let missingDatabase = Reason(kind: .missingDatabase)
        /// The file is not an SQLite database holding Mnemo's schema.
        public static let notMnemoDatabase = Reason(kind: .notMnemoDatabase)
        /// The database has migrations this version of Mnemo does not know.
        public static let newerSchema = Reason(kind: .newerSchema)
        /// The database lacks migrations this version adds, and could not be upgraded here (a coordinator
        /// of an older version holds it, or the file is read-only).
        public static let olderSchema = Reason(kind: .olderSchema)
        /// The disk (or the database's size limit) is full.
        public static let diskFull = Reason(kind: .diskFull)
        /// Another connection held a lock longer than the busy timeout.
        public static let busy = Reason(kind: .busy)
        /// A write was attempted through a read-only store or on a read-only file.
        public static let readOnly = Reason(kind: .readOnly)
        /// Any other SQLite error; see ``StoreError/sqliteCode`` and ``StoreError/sqliteMessage``.
        public static let sqlite = Reason(kind: .sqlite)

        public var description: String { "\(kind)" }
    }

    /// What kind of failure this is.
    public let reason: Reason
    /// What the store was doing, for example "committing 12 results".
    public let operation: String
    /// The database file.
    public let path: String
    /// The extended SQLite result code, when SQLite reported the failure.
    public let sqliteCode: Int32?
    /// SQLite's own message, when it gave one.
    public let sqliteMessage: String?
    /// Whether the operation was a write, which then rolled back as a whole.
    public let wasWrite: Bool

    init(
        reason: Reason, operation: String, path: String, wasWrite: Bool = false, sqliteCode: Int32? = nil,
        sqliteMessage: String? = nil
    ) {
        self.reason = reason
        self.operation = operation
        self.path = path
        self.wasWrite = wasWrite
        self.sqliteCode = sqliteCode
        self.sqliteMessage = sqliteMessage
    }

    /// Classifies an SQLite error raised while performing `operation` on `path`.
    init(_ error: DatabaseError, operation: String, path: String, wasWrite: Bool) {
        let reason: Reason
        switch error.resultCode {
        case .SQLITE_FULL: reason = .diskFull
        case .SQLITE_BUSY, .SQLITE_LOCKED: reason = .busy
        case .SQLITE_READONLY: reason = .readOnly
        case .SQLITE_NOTADB: reason = .notMnemoDatabase
        default: reason = .sqlite
        }
        self.init(
            reason: reason, operation: operation, path: path, wasWrite: wasWrite,
            sqliteCode: error.extendedResultCode.rawValue, sqliteMessage: error.message)
    }

    public var description: String {
        let rollback = wasWrite ? "; nothing was written" : ""
        switch reason {
        case .missingDatabase:
            return "no Mnemo database at \(path)"
        case .notMnemoDatabase:
            return "\(path) is not a Mnemo database (while \(operation))\(sqliteSuffix)"
        case .newerSchema:
            return "database \(path) was written by a newer Mnemo; refusing to use it (while \(operation))"
        case .olderSchema:
            return "database \(path) was written by an older Mnemo and cannot be upgraded now (while \(operation)): "
                + "stop the coordinator that holds it, or make the file writable, then run the command again"
        case .diskFull:
            return "database \(path): disk full while \(operation)\(rollback)"
        case .busy:
            return "database \(path): locked by another connection while \(operation)\(rollback)\(sqliteSuffix)"
        case .readOnly:
            return "database \(path) is read-only; cannot complete \(operation)\(sqliteSuffix)"
        default:
            return "database \(path): \(operation) failed\(rollback)\(sqliteSuffix)"
        }
    }

    private var sqliteSuffix: String {
        guard let sqliteCode else { return "" }
        return " (SQLite error \(sqliteCode)\(sqliteMessage.map { ": \($0)" } ?? ""))"
    }
}
