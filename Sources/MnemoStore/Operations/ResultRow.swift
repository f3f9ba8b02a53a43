import Foundation
import GRDB

/// One stored result together with the task fields aggregation needs, streamed by
/// ``Store/forEachResult(sweepID:trialIndex:_:)``.
public struct ResultRow: Sendable, Equatable {
    /// The task the result answers.
    public var taskID: String
    /// The subset index k of the run, which determines its training mask.
    public var subsetIndex: Int
    /// The run's training seed.
    public var seed: UInt64
    /// The attempt that produced the result.
    public var attempt: Int
    /// The worker that produced the result.
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
    /// When the coordinator received the result.
    public var receivedAt: Date
    /// Further scalar metrics as a JSON object, or nil.
    public var metrics: String?
    /// The per-example float arrays, when the reader asked for them.
    public var arrays: [ResultArray] = []

    /// Reads a row of `SELECT task.subsetIndex, task.seed, result.* …`.
    init(row: Row) {
        taskID = row["taskID"]
        subsetIndex = row["subsetIndex"]
        seed = UInt64(bitPattern: row["seed"] as Int64)
        attempt = row["attempt"]
        workerID = row["workerID"]
        trainBits = row["trainBits"]
        testBits = row["testBits"]
        subsetAccuracy = row["subsetAccuracy"]
        testAccuracy = row["testAccuracy"]
        epochs = row["epochs"]
        seconds = row["seconds"]
        receivedAt = row["receivedAt"]
        metrics = row["metrics"]
    }
}
