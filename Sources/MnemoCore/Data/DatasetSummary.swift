/// What the coordinator records about a sweep's prepared dataset, so that scores and exports can be
/// computed from the database alone: labels, the planted label flips, where each example came from,
/// and the content hash.
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
    /// For each training example, its index in the dataset's full training split (the row of the
    /// user's file, for file datasets): exports map their examples back with it.
    public var trainSourceIndices: [Int]
    /// For each test example, its index in the dataset's full test split.
    public var testSourceIndices: [Int]
    /// What generated data planted (modes, rare modes, duplicate pairs); nil for other datasets (and
    /// left out of the encoding then).
    public var groundTruth: GroundTruth?

    /// - Parameters:
    ///   - trainSourceIndices: each training example's index in the full training split; nil when
    ///     every example of the split was kept in order (`0..<trainLabels.count`).
    ///   - testSourceIndices: the same for the test examples.
    public init(
        contentHash: String, classCount: Int, trainLabels: [Int32], originalTrainLabels: [Int32],
        testLabels: [Int32], flippedIndices: [Int], trainSourceIndices: [Int]? = nil, testSourceIndices: [Int]? = nil
    ) {
        self.contentHash = contentHash
        self.classCount = classCount
        self.trainLabels = trainLabels
        self.originalTrainLabels = originalTrainLabels
        self.testLabels = testLabels
        self.flippedIndices = flippedIndices
        self.trainSourceIndices = trainSourceIndices ?? Array(trainLabels.indices)
        self.testSourceIndices = testSourceIndices ?? Array(testLabels.indices)
    }

    /// The name of the store artifact holding this summary as JSON.
    public static let artifactName = "dataset-summary.json"
}

extension DatasetSummary {
    enum CodingKeys: String, CodingKey {
        case contentHash, classCount, trainLabels, originalTrainLabels, testLabels, flippedIndices
        case trainSourceIndices, testSourceIndices, groundTruth
    }

    /// Decodes a stored summary. One stored before source indices were recorded gets `0..<n`, which is
    /// right unless its sweep selected examples (`train_limit`, `test_limit`); registering the sweep
    /// file again (`run`, `submit`) stores the summary anew, with its indices.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            contentHash: try container.decode(String.self, forKey: .contentHash),
            classCount: try container.decode(Int.self, forKey: .classCount),
            trainLabels: try container.decode([Int32].self, forKey: .trainLabels),
            originalTrainLabels: try container.decode([Int32].self, forKey: .originalTrainLabels),
            testLabels: try container.decode([Int32].self, forKey: .testLabels),
            flippedIndices: try container.decode([Int].self, forKey: .flippedIndices),
            trainSourceIndices: try container.decodeIfPresent([Int].self, forKey: .trainSourceIndices),
            testSourceIndices: try container.decodeIfPresent([Int].self, forKey: .testSourceIndices))
        groundTruth = try container.decodeIfPresent(GroundTruth.self, forKey: .groundTruth)
        for (key, indices, count) in [
            (CodingKeys.trainSourceIndices, trainSourceIndices, trainLabels.count),
            (.testSourceIndices, testSourceIndices, testLabels.count),
        ] where indices.count != count {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container,
                debugDescription: "\(indices.count) source indices for \(count) examples: the stored dataset summary "
                    + "is damaged; registering the sweep file again (`mnemo submit`) stores it anew")
        }
    }
}
