import Foundation

/// Fashion-MNIST splits loaded once per process and shared by every task that needs them.
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

    /// The splits in `directory`, loaded on first use.
    ///
    /// - Throws: ``DatasetError`` from ``FashionMNIST/load(directory:)``; failures are not cached.
    public func fashionMNIST(directory: URL = FashionMNIST.defaultDirectory) throws(DatasetError) -> DatasetSplits {
        let key = directory.standardizedFileURL.path
        lock.lock()
        defer { lock.unlock() }
        if let splits = loaded[key] {
            return splits
        }
        let splits = try FashionMNIST.load(directory: directory)
        loaded[key] = splits
        return splits
    }
}
