import Foundation
import MnemoCore

extension DatasetSource {
    /// The source a sweep's dataset section names (the parser has checked its fields).
    ///
    /// - Throws: ``DatasetError`` (file `synthetic`) when the generator's settings do not decode.
    public init(_ spec: DatasetSpec) throws(DatasetError) {
        let url = URL(fileURLWithPath: spec.path)
        switch spec.name {
        case "cifar10": self = .cifar10(directory: url)
        case "cifar100": self = .cifar100(directory: url, coarse: spec.coarseLabels)
        case "purchase100": self = .purchase100(file: url, testCount: spec.testCount ?? 0)
        case "texas100": self = .texas100(path: url, testCount: spec.testCount ?? 0)
        case "synthetic": self = .synthetic(try Self.syntheticSpec(spec.synthetic ?? ""))
        case "csv", "npz", "npy":
            guard let files = spec.files else {
                throw DatasetError(file: spec.name, reason: "the sweep names no train and test files")
            }
            self = Self(files: files, family: spec.name)
        default: self = .fashionMNIST(directory: url)
        }
    }

    private init(files: DatasetFiles, family: String) {
        let train = URL(fileURLWithPath: files.train)
        let test = URL(fileURLWithPath: files.test)
        switch family {
        case "csv":
            let format = CSVFormat(
                delimiter: Character(files.delimiter ?? ","), hasHeader: files.header ?? false,
                labelColumn: files.labelColumn ?? .first, labelBase: files.labelBase)
            self = .csv(train: train, test: test, format: format, classCount: files.classCount)
        case "npy":
            self = .npy(
                trainFeatures: train, trainLabels: URL(fileURLWithPath: files.trainLabels ?? ""), testFeatures: test,
                testLabels: URL(fileURLWithPath: files.testLabels ?? ""), classCount: files.classCount,
                labelBase: files.labelBase)
        default:
            self = .npz(train: train, test: test, classCount: files.classCount, labelBase: files.labelBase)
        }
    }

    /// The generator's settings from their canonical JSON ("" for the defaults).
    private static func syntheticSpec(_ json: String) throws(DatasetError) -> SyntheticSpec {
        guard !json.isEmpty else { return SyntheticSpec() }
        do {
            return try JSONDecoder().decode(SyntheticSpec.self, from: Data(json.utf8))
        } catch {
            throw DatasetError(file: "synthetic", reason: "unreadable generator settings \(json): \(error)")
        }
    }
}

extension PreparedDataset {
    /// The examples of a sweep: its dataset section's source, selection, validation examples and
    /// planted noise under `seed`.
    ///
    /// - Parameter cache: where the full splits are kept for later calls; nil keeps only the selection.
    /// - Throws: ``DatasetError`` naming the file at fault.
    public static func make(spec: DatasetSpec, seed: UInt64, cache: DatasetCache? = .shared) throws(DatasetError)
        -> PreparedDataset
    {
        try make(
            source: DatasetSource(spec), trainLimit: spec.trainLimit, testLimit: spec.testLimit, seed: seed,
            labelNoise: spec.labelNoise, validationSize: spec.validationSize, duplicates: spec.duplicates ?? 0, cache: cache)
    }
}
