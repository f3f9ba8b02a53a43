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

    /// The Fashion-MNIST splits in `directory`, loaded on first use.
    ///
    /// - Throws: ``DatasetError`` from ``FashionMNIST/load(directory:)``; failures are not cached.
    public func fashionMNIST(directory: URL = FashionMNIST.defaultDirectory) throws(DatasetError) -> DatasetSplits {
        try splits(key: "fashion-mnist:" + directory.standardizedFileURL.path) { () throws(DatasetError) in
            try FashionMNIST.load(directory: directory)
        }
    }
}
