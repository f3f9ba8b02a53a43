import Foundation

/// `fetch`: a worker that lacks a sweep's dataset (or whose copy differs) asks the coordinator for the
/// prepared `.npz` by the sweep's content hash: first its manifest (`chunk` nil), then its chunks by
/// index, a few at a time. Every request stands alone, so a download goes on after a reconnect or a
/// coordinator restart from the chunks it has.
public struct Fetch: Codable, Sendable, Equatable {
    /// The sweep's dataset content hash.
    public var datasetHash: String
    /// The chunk wanted, or nil for the manifest.
    public var chunk: Int?

    public init(datasetHash: String, chunk: Int? = nil) {
        self.datasetHash = datasetHash
        self.chunk = chunk
    }
}

/// `chunk`: the coordinator's answer to a `fetch`: the manifest, one chunk (in the payload), or why
/// it has neither yet.
public struct Chunk: Codable, Sendable, Equatable {
    /// Whether the file can be had.
    public enum Status: String, Codable, Sendable {
        /// The manifest, or the chunk in the payload.
        case ready
        /// The coordinator is writing the file: ask again in a moment.
        case preparing
        /// The coordinator cannot serve this dataset (`reason` says why).
        case unavailable
    }

    public var datasetHash: String
    public var status: Status
    /// With `ready` and no `chunk`: the file's manifest.
    public var manifest: DatasetManifest?
    /// With `ready`: the index of the chunk in the payload.
    public var chunk: Int?
    /// With `unavailable`: why.
    public var reason: String?

    public init(
        datasetHash: String, status: Status, manifest: DatasetManifest? = nil, chunk: Int? = nil, reason: String? = nil
    ) {
        self.datasetHash = datasetHash
        self.status = status
        self.manifest = manifest
        self.chunk = chunk
        self.reason = reason
    }
}

/// What a dataset file is made of: its size and SHA-256, and the SHA-256 of each fixed-size chunk
/// (the last may be shorter), so that a worker checks every chunk as it arrives and finds the damaged
/// chunks of a copy it already has.
public struct DatasetManifest: Codable, Sendable, Equatable {
    /// Bytes in the file.
    public var size: Int
    /// SHA-256 of the whole file (lowercase hexadecimal).
    public var sha256: String
    /// Bytes per chunk (the last chunk holds the rest).
    public var chunkSize: Int
    /// SHA-256 of each chunk, in order.
    public var chunks: [String]

    public init(size: Int, sha256: String, chunkSize: Int, chunks: [String]) {
        self.size = size
        self.sha256 = sha256
        self.chunkSize = chunkSize
        self.chunks = chunks
    }

    /// The smallest chunk: files up to ``maxChunks`` times this travel in chunks of this size.
    public static let minChunkSize = 256 << 10
    /// The most chunks a manifest lists (its header stays below 80 KB); larger files get larger chunks.
    public static let maxChunks = 1024

    /// The chunk size for a file of `size` bytes: ``minChunkSize``, doubled until at most ``maxChunks``
    /// chunks cover the file.
    public static func chunkSize(forFileOf size: Int) -> Int {
        var chunk = minChunkSize
        while chunk * maxChunks < size { chunk *= 2 }
        return chunk
    }

    /// The byte range of chunk `index`.
    public func range(ofChunk index: Int) -> Range<Int> {
        let start = index * chunkSize
        return start..<min(size, start + chunkSize)
    }

    /// Whether the manifest is one a worker can follow: sizes that agree with the chunk list, hashes
    /// of 64 hexadecimal digits, chunks no larger than `maxChunkBytes`.
    public func isConsistent(maxChunkBytes: Int) -> Bool {
        let hexes = [sha256] + chunks
        guard size > 0, chunkSize > 0, chunkSize <= maxChunkBytes, chunks.count <= Self.maxChunks else { return false }
        return chunks.count == size / chunkSize + (size % chunkSize == 0 ? 0 : 1)
            && hexes.allSatisfy { $0.utf8.count == 64 && $0.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) } }
    }
}
