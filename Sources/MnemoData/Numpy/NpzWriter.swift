import Foundation
import ZIPFoundation

/// Writes a NumPy `.npz` archive: a ZIP file holding one `name.npy` entry per array, which
/// `np.load(path)[name]` (or ``NpzReader``) reads back.
///
/// Arrays are streamed into the archive one at a time in chunks, so an archive may be much larger
/// than any single array kept in memory. The archive is written to `PATH.partial` and moved to its
/// path only by ``finish()``, so an interrupted export never leaves a truncated file under the
/// final name.
///
/// Every entry is stamped ``entryDate``, not the time of writing, so equal arrays make equal bytes.
///
/// ```swift
/// let writer = try NpzWriter(url: url, compression: .deflated)
/// try writer.append(NpyArray(name: "tr_labels", shape: [n], values: labels))
/// try writer.append(NpyArray(name: "mem_est", shape: [n], values: memorization))
/// try writer.finish()
/// ```
public final class NpzWriter {
    /// How each entry is stored in the ZIP file.
    public enum Compression: Sendable {
        /// Uncompressed (what `np.savez` writes): fastest to write and to load.
        case stored
        /// Deflated (what `np.savez_compressed` writes): smaller for bit-like data.
        case deflated
    }

    /// The archive's final location.
    public let url: URL
    /// How entries are stored.
    public let compression: Compression

    private let partialURL: URL
    private var archive: Archive?
    private var names: Set<String> = []

    /// The modification time of every entry: 1980-01-01 00:00:00 UTC, the earliest a ZIP entry can
    /// say (what reproducible builds stamp too), so that archives do not depend on when they were
    /// written.
    public static let entryDate = Date(timeIntervalSince1970: 315_532_800)

    /// Bytes handed to ZIPFoundation per call: large enough that per-chunk overhead vanishes.
    private static let chunkSize = 1 << 20

    /// Starts an archive that ``finish()`` will place at `url`, replacing any file there.
    ///
    /// - Throws: ``NpzError`` if the partial file cannot be created.
    public init(url: URL, compression: Compression = .stored) throws {
        self.url = url
        self.compression = compression
        self.partialURL = URL(fileURLWithPath: url.path + ".partial")
        do {
            if FileManager.default.fileExists(atPath: partialURL.path) {
                try FileManager.default.removeItem(at: partialURL)
            }
            // Built as a non-optional first: assigning straight to `Archive?` picks the deprecated failable init.
            let created = try Archive(url: partialURL, accessMode: .create)
            archive = created
        } catch {
            throw NpzError.writeFailed(file: url.path, array: nil, underlying: error)
        }
    }

    deinit {
        if archive != nil {
            try? FileManager.default.removeItem(at: partialURL)
        }
    }

    /// Adds an array as the entry `array.name + ".npy"`.
    ///
    /// - Throws: ``NpzError`` if an array of that name was added already or the entry cannot be
    ///   written.
    public func append(_ array: NpyArray) throws {
        guard let archive else { preconditionFailure("NpzWriter.append called after finish()") }
        guard names.insert(array.name).inserted else {
            throw NpzError.duplicateEntry(file: url.path, array: array.name)
        }
        let header = array.header
        let payload = array.bytes
        do {
            try archive.addEntry(
                with: array.name + ".npy", type: .file, uncompressedSize: Int64(header.count + payload.count),
                modificationDate: Self.entryDate, compressionMethod: compression == .deflated ? .deflate : .none, bufferSize: Self.chunkSize,
                provider: { position, size in
                    Self.chunk(of: header, then: payload, from: Int(position), count: size)
                })
        } catch {
            throw NpzError.writeFailed(file: url.path, array: array.name, underlying: error)
        }
    }

    /// Closes the archive and moves it to ``url``.
    ///
    /// - Throws: ``NpzError`` if the file cannot be moved into place.
    public func finish() throws {
        precondition(archive != nil, "NpzWriter.finish called twice")
        archive = nil
        do {
            if FileManager.default.fileExists(atPath: url.path) {
                try FileManager.default.removeItem(at: url)
            }
            try FileManager.default.moveItem(at: partialURL, to: url)
        } catch {
            throw NpzError.writeFailed(file: url.path, array: nil, underlying: error)
        }
    }

    /// Writes `arrays` into a new archive at `url`, replacing any file there.
    ///
    /// - Throws: ``NpzError``.
    public static func write(_ arrays: [NpyArray], to url: URL, compression: Compression = .stored) throws {
        let writer = try NpzWriter(url: url, compression: compression)
        for array in arrays {
            try writer.append(array)
        }
        try writer.finish()
    }

    /// Bytes `[from, from + count)` of `header` followed by `payload`, copying only those bytes.
    private static func chunk(of header: Data, then payload: Data, from start: Int, count: Int) -> Data {
        let end = start + count
        var chunk = Data(capacity: count)
        if start < header.count {
            chunk.append(header[(header.startIndex + start)..<(header.startIndex + min(end, header.count))])
        }
        if end > header.count {
            let payloadStart = max(start, header.count) - header.count
            let payloadEnd = end - header.count
            chunk.append(payload[(payload.startIndex + payloadStart)..<(payload.startIndex + payloadEnd)])
        }
        return chunk
    }
}
