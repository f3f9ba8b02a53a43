import Foundation

/// The examples a worker trains and evaluates on: a prepared dataset's train, test and validation
/// examples and their content hash, without the selection bookkeeping (source indices, planted flips)
/// that only the coordinator's analysis needs.
///
/// It travels as one `.npz` (``npzArrays(imageShape:)``, ``read(npz:)``): the file a command trainer
/// reads as `{data}` and the file a coordinator ships to workers that lack the data. Reading it back
/// gives the same examples, so the same content hash.
public struct DatasetExamples: Sendable {
    /// The training examples (noisy labels).
    public let train: LabeledData
    /// The test examples.
    public let test: LabeledData
    /// Examples for checkpoint selection and early stopping, or nil.
    public let validation: LabeledData?
    /// SHA-256 of these examples (see ``PreparedDataset/contentHash``).
    public let contentHash: String

    /// The examples of a prepared dataset.
    public init(_ prepared: PreparedDataset) {
        train = prepared.train
        test = prepared.test
        validation = prepared.validation
        contentHash = prepared.contentHash
    }

    private init(train: LabeledData, test: LabeledData, validation: LabeledData?) {
        self.train = train
        self.test = test
        self.validation = validation
        contentHash = DatasetSplits.contentHash(of: [train, test] + (validation.map { [$0] } ?? []))
    }

    /// The shape of one example as the `.npz` stores it for a dataset of this name: C × H × W for
    /// Fashion-MNIST and CIFAR images, nil (a flat vector) otherwise.
    public func imageShape(datasetName: String) -> [Int]? {
        switch datasetName {
        case "fashion-mnist" where train.dimension == 28 * 28: return [1, 28, 28]
        case "cifar10", "cifar100":
            return train.dimension == CIFARLayout.pixelCount ? [CIFARLayout.channels, CIFARLayout.side, CIFARLayout.side] : nil
        default: return nil
        }
    }

    /// The name of the array that holds the number of classes (labels alone may not show the last one).
    static let classCountArray = "class_count"

    /// The arrays of the `.npz`: `train_features`, `train_labels`, `test_…`, `validation_…` when there
    /// are validation examples (features float32, n × d or n × `imageShape`; labels int64), and
    /// `class_count` (int64 scalar).
    ///
    /// - Throws: ``NpzError`` when `imageShape` does not hold the features of one example.
    public func npzArrays(imageShape: [Int]?) throws -> [NpyArray] {
        var parts: [(String, LabeledData)] = [("train", train), ("test", test)]
        if let validation { parts.append(("validation", validation)) }
        let examples = try parts.flatMap { name, examples in
            let shape = imageShape.map { [examples.count] + $0 } ?? [examples.count, examples.dimension]
            return [
                try NpyArray(name: "\(name)_features", shape: shape, values: examples.features),
                try NpyArray(name: "\(name)_labels", shape: [examples.count], values: examples.labels.map(Int64.init)),
            ]
        }
        return examples + [try NpyArray(name: Self.classCountArray, shape: [], values: [Int64(train.classCount)])]
    }

    /// The examples of an `.npz` written from ``npzArrays(imageShape:)``.
    ///
    /// - Throws: ``DatasetError`` naming the file when it is unreadable, lacks an array, or holds
    ///   shapes or labels that do not agree.
    public static func read(npz url: URL) throws(DatasetError) -> DatasetExamples {
        let splits = ["train", "test"].flatMap { ["\($0)_features", "\($0)_labels"] }
        let arrays = try NpzReader.read(contentsOf: url, names: splits + [classCountArray])
        let classCount = arrays[classCountArray]!
        guard classCount.count == 1, classCount.value(at: 0) >= 1, classCount.value(at: 0) <= Double(Int32.max) else {
            throw DatasetError(file: "\(url.path) [\(classCountArray).npy]", reason: "not a positive class count")
        }
        let classes = Int(classCount.value(at: 0))
        func split(_ name: String, _ arrays: [String: NpyArray]) throws(DatasetError) -> LabeledData {
            try LabeledData.fromNumpy(
                features: arrays["\(name)_features"]!, featuresFile: "\(url.path) [\(name)_features.npy]",
                labels: arrays["\(name)_labels"]!, labelsFile: "\(url.path) [\(name)_labels.npy]", classCount: classes)
        }
        let validationNames = ["validation_features", "validation_labels"]
        let validation: LabeledData?
        if let validationArrays = try? NpzReader.read(contentsOf: url, names: validationNames) {
            validation = try split("validation", validationArrays)
        } else {
            validation = nil
        }
        return DatasetExamples(train: try split("train", arrays), test: try split("test", arrays), validation: validation)
    }
}
