import Foundation
import GRDB

/// One line of the coordinator's event log: a row of the `event` table.
public struct EventRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "event"

    /// Auto-incremented row id; nil until inserted.
    public var id: Int64?
    /// When it happened.
    public var time: Date
    /// A short machine-readable category, for example `worker-joined` or `task-quarantined`.
    public var kind: String
    /// Human-readable detail.
    public var message: String
    /// The task concerned, if any.
    public var taskID: String?
    /// The worker concerned, if any.
    public var workerID: String?

    /// Creates an event that is not stored yet.
    public init(time: Date, kind: String, message: String, taskID: String? = nil, workerID: String? = nil) {
        self.id = nil
        self.time = time
        self.kind = kind
        self.message = message
        self.taskID = taskID
        self.workerID = workerID
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
