import Foundation
import GRDB

/// The committed outcome of one task: a row of the `result` table, at most one per task.
public struct ResultRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "result"

    /// The task this result answers.
    public var taskID: String
    /// The attempt that produced it; must equal the task's current attempt to be accepted.
    public var attempt: Int
    /// The worker that produced it.
    public var workerID: String
    /// Bit-packed correctness over the training examples.
    public var trainBits: Data
    /// Bit-packed correctness over the test examples.
    public var testBits: Data
    /// Accuracy on the run's own training subset.
    public var subsetAccuracy: Double
    /// Accuracy on the test set.
    public var testAccuracy: Double
    /// Epochs trained.
    public var epochs: Int
    /// Wall-clock training time on the worker.
    public var seconds: Double
    /// When the coordinator received it.
    public var receivedAt: Date

    /// Creates a result record.
    public init(
        taskID: String, attempt: Int, workerID: String, trainBits: Data, testBits: Data,
        subsetAccuracy: Double, testAccuracy: Double, epochs: Int, seconds: Double, receivedAt: Date
    ) {
        self.taskID = taskID
        self.attempt = attempt
        self.workerID = workerID
        self.trainBits = trainBits
        self.testBits = testBits
        self.subsetAccuracy = subsetAccuracy
        self.testAccuracy = testAccuracy
        self.epochs = epochs
        self.seconds = seconds
        self.receivedAt = receivedAt
    }
}
