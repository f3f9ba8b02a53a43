/// What the coordinator records about a sweep's prepared dataset, so that scores and exports can be
/// computed from the database alone: labels, the planted label flips, and the content hash.
public struct DatasetSummary: Codable, Sendable, Equatable {
    /// SHA-256 of the prepared train and test data.
    public var contentHash: String
    public var classCount: Int
    /// Training labels as trained on (after planted noise).
    public var trainLabels: [Int32]
    /// Training labels before planted noise.
    public var originalTrainLabels: [Int32]
    public var testLabels: [Int32]
    /// Sorted indices of training examples whose label was flipped.
    public var flippedIndices: [Int]

    public init(
        contentHash: String, classCount: Int, trainLabels: [Int32], originalTrainLabels: [Int32],
        testLabels: [Int32], flippedIndices: [Int]
    ) {
        self.contentHash = contentHash
        self.classCount = classCount
        self.trainLabels = trainLabels
        self.originalTrainLabels = originalTrainLabels
        self.testLabels = testLabels
        self.flippedIndices = flippedIndices
    }

    /// The name of the store artifact holding this summary as JSON.
    public static let artifactName = "dataset-summary.json"
}
