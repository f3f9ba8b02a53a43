import Foundation
import MnemoCore

extension DatasetSource {
    /// The source a sweep's dataset section names (the parser has checked its fields).
    public init(_ spec: DatasetSpec) {
        let url = URL(fileURLWithPath: spec.path)
        switch spec.name {
        case "cifar10": self = .cifar10(directory: url)
        case "cifar100": self = .cifar100(directory: url, coarse: spec.coarseLabels)
        case "purchase100": self = .purchase100(file: url, testCount: spec.testCount ?? 0)
        case "texas100": self = .texas100(path: url, testCount: spec.testCount ?? 0)
        default: self = .fashionMNIST(directory: url)
        }
    }
}

extension PreparedDataset {
    /// The examples of a sweep: its dataset section's source, selection and planted noise under `seed`.
    ///
    /// - Parameter cache: where the full splits are kept for later calls; nil keeps only the selection.
    /// - Throws: ``DatasetError`` naming the file at fault.
    public static func make(spec: DatasetSpec, seed: UInt64, cache: DatasetCache? = .shared) throws(DatasetError)
        -> PreparedDataset
    {
        try make(
            source: DatasetSource(spec), trainLimit: spec.trainLimit, testLimit: spec.testLimit, seed: seed,
            labelNoise: spec.labelNoise, cache: cache)
    }
}
