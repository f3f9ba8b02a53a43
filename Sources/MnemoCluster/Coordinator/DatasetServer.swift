import Foundation
import MnemoCore
import MnemoData
import MnemoWire

/// Ships the prepared datasets of the sweeps a coordinator serves to workers that lack them (the
/// `fetch`/`chunk` exchange): the `.npz` a command trainer reads as `{data}`, addressed by the sweep's
/// content hash, in chunks listed with their SHA-256 in a manifest.
///
/// The file is made once, in the background, on the first request: prepared from the coordinator's
/// own copy of the data, checked against the hash the sweep was registered with, and kept in the
/// coordinator's ``DatasetFileCache`` (so a restarted coordinator serves it again at once, even when
/// the original files have gone). Meanwhile requests are answered "preparing". Everything else runs
/// on the coordinator's loop: a chunk is one positioned read.
final class DatasetServer {
    private enum Entry {
        case preparing
        case ready(file: FileHandle, manifest: DatasetManifest)
        /// Why it could not be made, and when: tried again after ``retryAfter``.
        case failed(String, at: Date)
    }

    /// A failed preparation is tried again on a request this long after (the files may be back).
    static let retryAfter: TimeInterval = 60

    private let files: DatasetFileCache
    private var entries: [String: Entry] = [:]
    /// Preparations finished on their threads, collected by the loop.
    private let finished = HandOff<(String, Entry)>()

    init(files: DatasetFileCache) {
        self.files = files
    }

    /// The answer to a worker's `fetch`, with the chunk's bytes when it asked for one.
    ///
    /// - Parameter plans: the sweeps served: only their datasets are shipped.
    func answer(_ fetch: Fetch, plans: some Collection<SweepPlan>, now: Date = Date()) -> (Chunk, Data?) {
        let hash = fetch.datasetHash
        func unavailable(_ reason: String) -> (Chunk, Data?) {
            (Chunk(datasetHash: hash, status: .unavailable, chunk: fetch.chunk, reason: reason), nil)
        }
        // A malformed hash is never echoed (nor logged): it is the peer's text.
        guard DatasetFileCache.isValidHash(hash) else {
            return (Chunk(datasetHash: "", status: .unavailable, reason: "not a dataset hash (64 lowercase hexadecimal digits)"), nil)
        }
        guard let plan = plans.first(where: { $0.dataset.contentHash == hash }) else {
            return unavailable("no sweep served here has dataset \(hash)")
        }
        for (done, result) in finished.take() {
            entries[done] = result
        }
        switch entries[hash] {
        case nil:
            entries[hash] = .preparing
            prepare(plan)
            return (Chunk(datasetHash: hash, status: .preparing, chunk: fetch.chunk), nil)
        case .preparing:
            return (Chunk(datasetHash: hash, status: .preparing, chunk: fetch.chunk), nil)
        case .failed(_, let at) where now.timeIntervalSince(at) >= Self.retryAfter:
            entries[hash] = .preparing
            prepare(plan)
            return (Chunk(datasetHash: hash, status: .preparing, chunk: fetch.chunk), nil)
        case .failed(let reason, _):
            return unavailable(reason)
        case .ready(let file, let manifest):
            guard let index = fetch.chunk else {
                return (Chunk(datasetHash: hash, status: .ready, manifest: manifest), nil)
            }
            guard manifest.chunks.indices.contains(index) else {
                return unavailable("dataset \(hash.prefix(12))… has chunks 0..<\(manifest.chunks.count), not \(index)")
            }
            let range = manifest.range(ofChunk: index)
            do {
                try file.seek(toOffset: UInt64(range.lowerBound))
                let bytes = try file.read(upToCount: range.count) ?? Data()
                guard bytes.count == range.count else { throw CocoaError(.fileReadCorruptFile) }
                return (Chunk(datasetHash: hash, status: .ready, chunk: index), bytes)
            } catch {
                let reason = "the coordinator cannot read its copy \(files.location(of: hash).path): \(error)"
                entries[hash] = .failed(reason, at: now)
                return unavailable(reason)
            }
        }
    }

    /// Writes (or finds) the file of `plan`'s dataset and its manifest on a thread of its own.
    private func prepare(_ plan: SweepPlan) {
        let (files, finished, hash) = (files, finished, plan.dataset.contentHash)
        let dataset = plan.spec.dataset
        let seed = plan.spec.seed
        Thread.detachNewThread {
            do {
                let url = try files.file(hash: hash) { url in
                    let data = DatasetExamples(try PreparedDataset.make(spec: dataset, seed: seed, cache: nil))
                    guard data.contentHash == hash else {
                        throw DatasetServerError(
                            reason: "the coordinator's copy at \(dataset.location) has changed since the sweep was registered "
                                + "(content hash \(data.contentHash.prefix(16))…, the sweep's \(hash.prefix(16))…): restore the files the "
                                + "sweep was registered with, or register the new data as a new sweep (--new-sweep)")
                    }
                    try NpzWriter.write(data.npzArrays(imageShape: data.imageShape(datasetName: dataset.name)), to: url)
                }
                let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
                let chunkSize = DatasetManifest.chunkSize(forFileOf: size)
                let (whole, chunks) = try DatasetFileCache.sha256(of: url, chunkSize: chunkSize)
                let manifest = DatasetManifest(size: size, sha256: whole, chunkSize: chunkSize, chunks: chunks)
                finished.put((hash, .ready(file: try FileHandle(forReadingFrom: url), manifest: manifest)))
            } catch {
                finished.put((hash, .failed("the coordinator cannot prepare dataset \(hash.prefix(12))… (it tries again a minute after this): \(error)", at: Date())))
            }
        }
    }
}

/// Why a coordinator cannot ship a dataset.
struct DatasetServerError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
