import Foundation
import MnemoLearn

/// The datasets a worker has prepared, by content hash, shared by its training slots: one copy of a
/// sweep's examples in memory however many slots train on it. Only the latest dataset is kept (a
/// worker serves one sweep's tasks at a time, mostly). Lock-guarded (`@unchecked Sendable`): slots
/// run on their own threads; a slot that finds another preparing the same data waits for it.
final class PreparedDatasets: @unchecked Sendable {
    private let condition = NSCondition()
    private var latest: (hash: String, data: PreparedDataset, scale: FeatureScale)?
    private var preparing: Set<String> = []

    /// The dataset with content hash `hash`, prepared by `make` if no slot has it.
    ///
    /// - Throws: what `make` throws (then nothing is kept).
    func dataset(hash: String, make: () throws -> PreparedDataset) throws -> (PreparedDataset, FeatureScale) {
        condition.lock()
        while preparing.contains(hash) {
            condition.wait()
        }
        if let latest, latest.hash == hash {
            condition.unlock()
            return (latest.data, latest.scale)
        }
        preparing.insert(hash)
        condition.unlock()
        defer {
            condition.lock()
            preparing.remove(hash)
            condition.broadcast()
            condition.unlock()
        }
        let data = try make()
        let scale = FeatureScale(data.train)
        condition.lock()
        latest = (hash, data, scale)
        condition.unlock()
        return (data, scale)
    }
}
