import Foundation
import MnemoCore
import MnemoData
import MnemoLearn

/// The datasets a worker has prepared, by content hash, shared by its training slots: one copy of a
/// sweep's examples in memory however many slots train on it. Only the latest dataset is kept (a
/// worker serves one sweep's tasks at a time, mostly). Lock-guarded (`@unchecked Sendable`): slots
/// run on their own threads; a slot that finds another preparing the same data waits for it.
///
/// A task's examples come from, in turn: the cache folder's verified `.npz` of its content hash; the
/// worker's own files, prepared as the sweep says and checked against the hash; the coordinator,
/// which ships the `.npz` when this worker has no files or a copy that differs (``DatasetFetcher``).
final class PreparedDatasets: @unchecked Sendable {
    private let condition = NSCondition()
    private var latest: (hash: String, data: DatasetExamples, scale: FeatureScale)?
    private var preparing: Set<String> = []
    private let files: DatasetFileCache?
    private let fetcher: DatasetFetcher?

    /// Datasets read from `files` when there, and fetched through `fetcher` when this worker cannot
    /// prepare them (nil for neither).
    init(files: DatasetFileCache? = nil, fetcher: DatasetFetcher? = nil) {
        self.files = files
        self.fetcher = fetcher
    }

    /// The dataset with content hash `hash`, prepared by `make` if no slot has it.
    ///
    /// - Throws: what `make` throws (then nothing is kept).
    func dataset(hash: String, make: () throws -> DatasetExamples) throws -> (DatasetExamples, FeatureScale) {
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

    /// The examples of a task, checked against the content hash the sweep was registered with.
    ///
    /// - Throws: `DatasetError` or ``DatasetMismatchError`` when this worker's copy cannot be used and
    ///   there is no coordinator to fetch from; ``DatasetFetchError`` when the fetch failed;
    ///   ``DatasetFetchCancelled`` when `cancellation` stopped a fetch.
    func dataset(for spec: TaskSpec, cancellation: TrainingCancellation? = nil) throws -> (DatasetExamples, FeatureScale) {
        try dataset(hash: spec.datasetHash) {
            if let file = files?.file(hash: spec.datasetHash), let cached = try? DatasetExamples.read(npz: file),
                cached.contentHash == spec.datasetHash
            {
                return cached
            }
            let problem: any Error
            do {
                let data = DatasetExamples(try PreparedDataset.make(spec: spec.dataset, seed: spec.sweepSeed, cache: nil))
                guard data.contentHash == spec.datasetHash else {
                    throw DatasetMismatchError(
                        location: spec.dataset.location, expected: spec.datasetHash, found: data.contentHash)
                }
                return data
            } catch {
                problem = error
            }
            guard let fetcher, DatasetFileCache.isValidHash(spec.datasetHash) else { throw problem }
            let file = try fetcher.fetch(hash: spec.datasetHash, because: "\(problem)", cancellation: cancellation)
            let fetched = try DatasetExamples.read(npz: file)
            guard fetched.contentHash == spec.datasetHash else {
                throw DatasetFetchError(
                    hash: spec.datasetHash, localProblem: "\(problem)",
                    reason: "the coordinator's file holds examples of content hash \(fetched.contentHash.prefix(16))…")
            }
            return fetched
        }
    }
}
