import Foundation

/// Dataset splits loaded once per process and shared by every task that needs them.
///
/// A lock-guarded class rather than an actor because the training code that asks for data is
/// synchronous; the lock is held while loading so that concurrent first requests load only once.
public final class DatasetCache: @unchecked Sendable {
    /// The process-wide cache.
    public static let shared = DatasetCache()

    private let lock = NSLock()
    private var loaded: [String: DatasetSplits] = [:]

    /// An empty cache.
    public init() {}

    /// The splits cached under `key`, made by `load` on first use.
    ///
    /// - Parameters:
    ///   - key: names the dataset and its source, e.g. `"cifar10:/data/cifar-10-batches-bin"`.
    ///   - load: reads the splits; called at most once per key while it succeeds.
    /// - Throws: ``DatasetError`` from `load`; failures are not cached.
    public func splits(
        key: String, load: () throws(DatasetError) -> DatasetSplits
    ) throws(DatasetError) -> DatasetSplits {
        lock.lock()
        defer { lock.unlock() }
        if let splits = loaded[key] {
            return splits
        }
        let splits = try load()
        loaded[key] = splits
        return splits
    }

    /// The splits of `source`, loaded on first use.
    ///
    /// - Parameter seed: the sweep seed, for sources whose splits depend on it (part of the key then).
    /// - Throws: ``DatasetError`` from ``DatasetSource/load(seed:)``; failures are not cached.
    public func splits(for source: DatasetSource, seed: UInt64) throws(DatasetError) -> DatasetSplits {
        let key = source.isSeeded ? "\(source.cacheKey)#seed=\(seed)" : source.cacheKey
        return try splits(key: key) { () throws(DatasetError) in try source.load(seed: seed) }
    }

    /// The Fashion-MNIST splits in `directory`, loaded on first use.
    ///
    /// - Throws: ``DatasetError`` from ``FashionMNIST/load(directory:)``; failures are not cached.
    public func fashionMNIST(directory: URL = FashionMNIST.defaultDirectory) throws(DatasetError) -> DatasetSplits {
        try splits(for: .fashionMNIST(directory: directory), seed: 0)
    }
}
