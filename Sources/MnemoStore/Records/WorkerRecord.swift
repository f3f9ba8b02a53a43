import Foundation
import GRDB

/// A worker the coordinator has seen: a row of the `worker` table.
public struct WorkerRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "worker"

    /// The worker's stable identity (its DEALER identity).
    public var id: String
    /// Host name the worker reported.
    public var host: String
    /// Process id the worker reported.
    public var pid: Int
    /// When the worker first said hello.
    public var firstSeen: Date
    /// When the worker was last recorded as alive.
    public var lastSeen: Date
    /// Results of this worker accepted so far.
    public var tasksDone: Int

    /// Creates a worker record.
    public init(id: String, host: String, pid: Int, firstSeen: Date, lastSeen: Date, tasksDone: Int) {
        self.id = id
        self.host = host
        self.pid = pid
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.tasksDone = tasksDone
    }
}
