import Foundation
import MnemoCore
import MnemoData

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

    /// The prepared dataset of a task, checked against the content hash the sweep was registered with.
    ///
    /// - Throws: `DatasetError` when the data cannot be read, ``DatasetMismatchError`` when this
    ///   worker's copy differs.
    func dataset(for spec: TaskSpec) throws -> (PreparedDataset, FeatureScale) {
        try dataset(hash: spec.datasetHash) {
            let data = try PreparedDataset.make(spec: spec.dataset, seed: spec.sweepSeed, cache: nil)
            guard data.contentHash == spec.datasetHash else {
                throw DatasetMismatchError(
                    location: spec.dataset.location, expected: spec.datasetHash, found: data.contentHash)
            }
            return data
        }
    }
}
