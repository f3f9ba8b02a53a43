import Foundation

/// Where a sweep's examples come from, with what each format needs to be read: the one entry point
/// that turns a sweep's dataset section into train and test splits.
///
/// ```swift
/// let source = DatasetSource.purchase100(file: URL(fileURLWithPath: "data/dataset_purchase"), testCount: 20_000)
/// let splits = try DatasetCache.shared.splits(for: source, seed: sweep.seed)
/// let prepared = try PreparedDataset.make(splits: splits, trainLimit: 10_000, testLimit: 5_000,
///                                         seed: sweep.seed, labelNoise: 0)
/// ```
public enum DatasetSource: Sendable, Equatable, Hashable {
    /// Fashion-MNIST's gzipped IDX files in a folder.
    case fashionMNIST(directory: URL)
    /// CIFAR-10's binary batches in a folder (`cifar-10-batches-bin`).
    case cifar10(directory: URL)
    /// CIFAR-100's binary files in a folder (`cifar-100-binary`), with fine or coarse labels.
    case cifar100(directory: URL, coarse: Bool)
    /// Purchase-100 as its text file or a `.npz` (chosen by the extension), split at random into
    /// `testCount` test examples and the rest.
    case purchase100(file: URL, testCount: Int)
    /// Texas-100 as a folder holding `feats` and `labels`, or a `.npz` file, split at random into
    /// `testCount` test examples and the rest.
    case texas100(path: URL, testCount: Int)
    /// `.npz` files of train and test examples with arrays `features` and `labels` (labels from
    /// `labelBase`, or one-hot rows).
    case npz(train: URL, test: URL, classCount: Int, labelBase: Int = 0)
    /// `.npy` feature matrices and label arrays of train and test examples (labels from `labelBase`,
    /// or one-hot rows).
    case npy(trainFeatures: URL, trainLabels: URL, testFeatures: URL, testLabels: URL, classCount: Int, labelBase: Int = 0)
    /// Delimited text files of train and test examples.
    case csv(train: URL, test: URL, format: CSVFormat, classCount: Int)
    /// Generated data with planted memorization structure (see ``SyntheticDataset`` for the record
    /// of what was planted).
    case synthetic(SyntheticSpec)

    /// Names the source and everything that shapes its splits, for caching.
    public var cacheKey: String {
        switch self {
        case .fashionMNIST(let directory): "fashion-mnist:\(directory.standardizedFileURL.path)"
        case .cifar10(let directory): "cifar10:\(directory.standardizedFileURL.path)"
        case .cifar100(let directory, let coarse):
            "cifar100\(coarse ? "-coarse" : ""):\(directory.standardizedFileURL.path)"
        case .purchase100(let file, let testCount): "purchase100:\(testCount):\(file.standardizedFileURL.path)"
        case .texas100(let path, let testCount): "texas100:\(testCount):\(path.standardizedFileURL.path)"
        case .npz(let train, let test, let classCount, let labelBase):
            "npz:\(classCount):\(labelBase):\(train.standardizedFileURL.path):\(test.standardizedFileURL.path)"
        case .npy(let trainFeatures, let trainLabels, let testFeatures, let testLabels, let classCount, let labelBase):
            "npy:\(classCount):\(labelBase):"
                + [trainFeatures, trainLabels, testFeatures, testLabels].map(\.standardizedFileURL.path).joined(separator: ":")
        case .csv(let train, let test, let format, let classCount):
            "csv:\(classCount):\(format):\(train.standardizedFileURL.path):\(test.standardizedFileURL.path)"
        case .synthetic(let spec): "synthetic:\(spec)"
        }
    }

    /// Whether the splits depend on the seed (random splits, generated data).
    public var isSeeded: Bool {
        switch self {
        case .purchase100, .texas100, .synthetic: true
        case .fashionMNIST, .cifar10, .cifar100, .npz, .npy, .csv: false
        }
    }

    /// Reads (or generates) the full train and test splits.
    ///
    /// - Parameter seed: the sweep seed; used by random splits and generated data only.
    /// - Throws: ``DatasetError`` from the format's reader or the split.
    public func load(seed: UInt64) throws(DatasetError) -> DatasetSplits {
        switch self {
        case .fashionMNIST(let directory):
            return try FashionMNIST.load(directory: directory)
        case .cifar10(let directory):
            return try CIFAR10.load(directory: directory)
        case .cifar100(let directory, let coarse):
            return try CIFAR100.load(directory: directory, coarse: coarse)
        case .purchase100(let file, let testCount):
            let data = file.pathExtension == "npz" ? try Purchase100.readNPZ(file) : try Purchase100.readText(file)
            return try DatasetSplits.randomSplit(data, testCount: testCount, seed: seed, source: file.path)
        case .texas100(let path, let testCount):
            let data =
                path.pathExtension == "npz"
                ? try Texas100.readNPZ(path)
                : try Texas100.readText(
                    features: path.appendingPathComponent("feats"), labels: path.appendingPathComponent("labels"))
            return try DatasetSplits.randomSplit(data, testCount: testCount, seed: seed, source: path.path)
        case .npz(let train, let test, let classCount, let labelBase):
            let trainData = try LabeledData.readNPZ(train, classCount: classCount, labelBase: labelBase)
            let testData = try LabeledData.readNPZ(test, classCount: classCount, labelBase: labelBase)
            return try Self.splits(train: trainData, test: testData, source: train, testFile: test)
        case .npy(let trainFeatures, let trainLabels, let testFeatures, let testLabels, let classCount, let labelBase):
            let trainData = try LabeledData.readNPY(
                features: trainFeatures, labels: trainLabels, classCount: classCount, labelBase: labelBase)
            let testData = try LabeledData.readNPY(
                features: testFeatures, labels: testLabels, classCount: classCount, labelBase: labelBase)
            return try Self.splits(train: trainData, test: testData, source: trainFeatures, testFile: testFeatures)
        case .csv(let train, let test, let format, let classCount):
            let trainData = try LabeledData.readCSV(train, format: format, classCount: classCount)
            let testData = try LabeledData.readCSV(test, format: format, classCount: classCount)
            return try Self.splits(train: trainData, test: testData, source: train, testFile: test)
        case .synthetic(let spec):
            return try SyntheticDataset.generate(spec, seed: seed).splits
        }
    }

    private static func splits(
        train: LabeledData, test: LabeledData, source: URL, testFile: URL
    ) throws(DatasetError) -> DatasetSplits {
        guard train.dimension == test.dimension else {
            throw DatasetError(
                file: testFile.path,
                reason: "test rows hold \(test.dimension) features, training rows \(train.dimension)")
        }
        return DatasetSplits(source: source.deletingLastPathComponent().path, train: train, test: test)
    }
}
