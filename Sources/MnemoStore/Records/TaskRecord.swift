import Foundation
import GRDB

/// One training run and its scheduling state: a row of the `task` table.
///
/// The id is a hash of the task's canonical spec chosen by the caller, so resubmitting a sweep finds
/// the tasks it already has. Only ``Store`` moves a task between states.
public struct TaskRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "task"

    /// Hash of the canonical task spec.
    public var id: String
    /// The sweep the task was created for.
    public var sweepID: String
    /// The trial the task trains.
    public var trialIndex: Int
    /// The subset index k, which determines the training mask.
    public var subsetIndex: Int
    /// The training seed. SQLite integers are signed, so it is stored by bit pattern.
    public var seed: UInt64 {
        get { UInt64(bitPattern: seedBits) }
        set { seedBits = Int64(bitPattern: newValue) }
    }
    /// The canonical task spec sent to workers, as JSON.
    public var specJSON: String
    /// Scheduling state.
    public var state: TaskState
    /// Number of the latest lease, 0 before the first. Only a result for this attempt is accepted.
    public var attempt: Int
    /// The worker that holds, or last held, the lease of the current attempt; nil before the first
    /// lease. Only this worker's result or failure report for the current attempt is accepted (a result
    /// in flight when its lease was requeued is still accepted once).
    public var workerID: String?
    /// Written by schema v1 coordinators only (nil otherwise): lease deadlines now live in the
    /// coordinator's memory, extended by heartbeats, and a restarted coordinator reserves leased tasks
    /// for one worker timeout instead. Kept so that older databases still decode.
    public var leaseDeadline: Date?
    /// Application failures so far (infrastructure losses do not count).
    public var failures: Int
    /// The reason given with the latest application failure.
    public var lastError: String?
    /// When the row last changed.
    public var updatedAt: Date
    /// The distinct workers that died while holding this task, comma-separated (the crash budget).
    public var crashedWorkers: String

    private var seedBits: Int64

    enum CodingKeys: String, CodingKey {
        case id, sweepID, trialIndex, subsetIndex, specJSON, state, attempt, workerID, leaseDeadline
        case failures, lastError, updatedAt, crashedWorkers
        case seedBits = "seed"
    }

    /// Creates a new, never-leased pending task.
    ///
    /// - Parameters:
    ///   - id: hash of the canonical task spec.
    ///   - sweepID: the sweep the task belongs to (must be registered).
    ///   - trialIndex: the trial (must be inserted).
    ///   - subsetIndex: the subset index k.
    ///   - seed: the training seed.
    ///   - specJSON: the canonical task spec.
    ///   - createdAt: stored as `updatedAt`.
    public init(
        id: String, sweepID: String, trialIndex: Int, subsetIndex: Int, seed: UInt64, specJSON: String,
        createdAt: Date
    ) {
        self.id = id
        self.sweepID = sweepID
        self.trialIndex = trialIndex
        self.subsetIndex = subsetIndex
        self.seedBits = Int64(bitPattern: seed)
        self.specJSON = specJSON
        self.state = .pending
        self.attempt = 0
        self.workerID = nil
        self.leaseDeadline = nil
        self.failures = 0
        self.lastError = nil
        self.updatedAt = createdAt
        self.crashedWorkers = ""
    }
}
