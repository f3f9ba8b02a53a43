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
    /// Further scalar metrics as a JSON object (what an external trainer reported), or nil.
    public var metrics: String?
    /// Its per-example float arrays (`margin_train`, …), stored in their own table.
    public var arrays: [ResultArray] = []

    enum CodingKeys: String, CodingKey {
        case taskID, attempt, workerID, trainBits, testBits, subsetAccuracy, testAccuracy, epochs, seconds, receivedAt
        case metrics
    }

    /// Creates a result record.
    public init(
        taskID: String, attempt: Int, workerID: String, trainBits: Data, testBits: Data,
        subsetAccuracy: Double, testAccuracy: Double, epochs: Int, seconds: Double, receivedAt: Date,
        metrics: String? = nil, arrays: [ResultArray] = []
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
        self.metrics = metrics
        self.arrays = arrays
    }
}

/// One per-example float32 array of a result: a row of the `result_array` table.
public struct ResultArray: Sendable, Equatable {
    /// `<output>_<split>`, e.g. `margin_train`.
    public var name: String
    /// Its dimensions: `[n]`, or `[n, classes]`.
    public var shape: [Int]
    /// Its elements, little-endian float32 in C order.
    public var data: Data

    public init(name: String, shape: [Int], data: Data) {
        self.name = name
        self.shape = shape
        self.data = data
    }

    /// The elements.
    public var values: [Float] {
        data.withUnsafeBytes { raw in (0..<data.count / 4).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
    }
}
