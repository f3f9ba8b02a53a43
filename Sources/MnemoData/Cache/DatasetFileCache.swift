import Crypto
import Foundation
import MnemoCore

/// A folder of prepared datasets as `.npz` files named by content hash (`<hash>.npz`), shared by the
/// processes that use it (a worker's slots, several workers on one host, a coordinator on the same
/// host): the `{data}` file of command trainers, and the copy a coordinator ships to workers.
///
/// - Each file is written once (temporary file, fsync, rename) and made read-only; `<hash>.npz.sha256`
///   beside it holds the file's own SHA-256, which this process checks before first use (again
///   after the file changed), rewriting or refetching a file that fails.
/// - With a bound (`--cache-max`), the least recently used files are removed after a new one arrives
///   until the folder holds at most that many bytes (the newest file always stays, however large).
///   Using a file marks it used (its access time).
/// - Downloads in progress keep `.<hash>.npz.part` (see ``partialFile(hash:)``).
///
/// Lock-guarded (`@unchecked Sendable`): slots ask for files from their own threads.
public final class DatasetFileCache: @unchecked Sendable {
    /// The folder of `.npz` files.
    public let folder: URL
    /// At most this many bytes of complete files, or nil without a bound.
    public let maxBytes: Int?

    private let lock = NSLock()
    /// Files this process has checked, with their size, modification time and inode then.
    private var checked: [String: [FileAttributeKey: AnyHashable]] = [:]

    /// A cache in `folder` (created when the first file is written).
    public init(folder: URL, maxBytes: Int? = nil) {
        self.folder = folder
        self.maxBytes = maxBytes
    }

    /// Mnemo's cache folder unless told otherwise: `$XDG_CACHE_HOME/mnemo`, else `$HOME/.cache/mnemo`
    /// (the account's home when `HOME` is unset); datasets go in its `data/`.
    public static var defaultRoot: URL {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("mnemo")
        }
        let home = environment["HOME"].flatMap { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : nil }
        return (home ?? FileManager.default.homeDirectoryForCurrentUser).appendingPathComponent(".cache/mnemo")
    }

    /// Whether `hash` can name a file here: 64 lowercase hexadecimal digits (a hash from the network
    /// never becomes a path outside the folder).
    public static func isValidHash(_ hash: String) -> Bool {
        hash.utf8.count == 64 && hash.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// Where the file of `hash` is (whether or not it is there).
    public func location(of hash: String) -> URL {
        folder.appendingPathComponent("\(hash).npz")
    }

    /// The partial file a download of `hash` writes into before it is complete.
    public func partialFile(hash: String) -> URL {
        folder.appendingPathComponent(".\(hash).npz.part")
    }

    /// The file of `hash` when it is here and matches its recorded SHA-256 (marked used), else nil.
    public func file(hash: String) -> URL? {
        guard Self.isValidHash(hash) else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return verified(hash)
    }

    /// The file of `hash`, written by `write` (to the URL it is given) when missing or damaged.
    ///
    /// - Throws: what `write` throws, or the file system's error (a full disk).
    public func file(hash: String, write: (URL) throws -> Void) throws -> URL {
        precondition(Self.isValidHash(hash), "not a content hash: \(hash)")
        lock.lock()
        defer { lock.unlock() }
        if let file = verified(hash) { return file }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(hash).\(getpid()).\(UUID().uuidString.prefix(8)).npz")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try write(temporary)
        return try adopt(temporary, hash: hash, sha256: try Self.sha256(of: temporary))
    }

    /// Moves a downloaded file whose SHA-256 the caller checked into the cache as the file of `hash`.
    ///
    /// - Throws: the file system's error.
    public func install(_ downloaded: URL, hash: String, sha256: String) throws -> URL {
        precondition(Self.isValidHash(hash), "not a content hash: \(hash)")
        lock.lock()
        defer { lock.unlock() }
        let file = try adopt(downloaded, hash: hash, sha256: sha256)
        removeAbandonedPartials(of: hash)
        return file
    }

    /// Removes the partial files of `hash` no download holds (their downloader keeps them locked):
    /// those of a process that died, or of one that finished second.
    private func removeAbandonedPartials(of hash: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for name in names where name.hasPrefix(".\(hash).npz") && name.hasSuffix(".part") {
            let path = folder.appendingPathComponent(name).path
            let descriptor = open(path, O_RDWR | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
                unlink(path)
            }
            close(descriptor)
        }
    }

    /// The bytes of complete files in the folder.
    public func totalBytes() -> Int {
        entries().reduce(0) { $0 + $1.size }
    }

    private func adopt(_ temporary: URL, hash: String, sha256: String) throws -> URL {
        let file = location(of: hash)
        // Read-only, so that a command cannot change what every later run reads by accident.
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: temporary.path)
        try Self.syncAndRename(temporary, to: file)
        Self.markUsed(file)
        let sidecar = folder.appendingPathComponent("\(hash).npz.sha256")
        let hashTemporary = folder.appendingPathComponent(".\(hash).\(getpid()).\(UUID().uuidString.prefix(8)).sha256")
        try Data(sha256.utf8).write(to: hashTemporary)
        try Self.syncAndRename(hashTemporary, to: sidecar)
        checked[file.path] = Self.stamp(of: file)
        evict(keeping: file)
        return file
    }

    /// The file of `hash` if it matches its sidecar (checked once per change), marked used.
    private func verified(_ hash: String) -> URL? {
        let file = location(of: hash)
        let sidecar = folder.appendingPathComponent("\(hash).npz.sha256")
        if checked[file.path] == nil || checked[file.path] != Self.stamp(of: file) {
            guard let expected = try? String(contentsOf: sidecar, encoding: .utf8), let found = try? Self.sha256(of: file),
                expected == found
            else {
                checked[file.path] = nil
                return nil
            }
        }
        Self.markUsed(file)
        checked[file.path] = Self.stamp(of: file)
        return file
    }

    /// Sets the file's access time to now (its modification time, part of the stamp other processes
    /// check, stays): the least recently used file is the one accessed longest ago.
    private static func markUsed(_ file: URL) {
        // Linux's UTIME_NOW and UTIME_OMIT (macros Swift does not import): "now", and "leave as it is".
        let (now, omit) = ((1 << 30) - 1, (1 << 30) - 2)
        var times = [timespec(tv_sec: 0, tv_nsec: now), timespec(tv_sec: 0, tv_nsec: omit)]
        _ = utimensat(AT_FDCWD, file.path, &times, 0)
    }

    /// Removes the least recently used files beyond ``maxBytes``, never `kept`.
    private func evict(keeping kept: URL) {
        guard let maxBytes else { return }
        var total = totalBytes()
        for entry in entries().sorted(by: { $0.used < $1.used }) where total > maxBytes && entry.url.path != kept.path {
            try? FileManager.default.removeItem(at: entry.url)
            try? FileManager.default.removeItem(at: entry.url.appendingPathExtension("sha256"))
            checked[entry.url.path] = nil
            total -= entry.size
        }
    }

    /// The complete files in the folder, with their sizes and when they were last used.
    private func entries() -> [(url: URL, size: Int, used: Date)] {
        let keys: [URLResourceKey] = [.fileSizeKey, .contentAccessDateKey]
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: keys)) ?? []
        return files.filter { $0.pathExtension == "npz" && Self.isValidHash($0.deletingPathExtension().lastPathComponent) }
            .map { url in
                let values = try? url.resourceValues(forKeys: Set(keys))
                return (url, values?.fileSize ?? 0, values?.contentAccessDate ?? .distantPast)
            }
    }

    /// Size, modification date and inode of a file.
    private static func stamp(of url: URL) -> [FileAttributeKey: AnyHashable] {
        let attributes = (try? FileManager.default.attributesOfItem(atPath: url.path)) ?? [:]
        var stamp: [FileAttributeKey: AnyHashable] = [:]
        for key in [FileAttributeKey.size, .modificationDate, .systemFileNumber] {
            stamp[key] = attributes[key] as? AnyHashable
        }
        return stamp
    }

    /// The SHA-256 of a file, as lowercase hexadecimal.
    ///
    /// - Throws: the file system's error.
    public static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return Hex.string(hasher.finalize())
    }

    /// The SHA-256 of some bytes, as lowercase hexadecimal.
    public static func sha256(of bytes: Data) -> String {
        Hex.string(SHA256.hash(data: bytes))
    }

    /// The SHA-256 of a file and of each of its `chunkSize`-byte pieces (the last may be shorter).
    ///
    /// - Throws: the file system's error.
    public static func sha256(of url: URL, chunkSize: Int) throws -> (file: String, chunks: [String]) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var whole = SHA256()
        var chunks: [String] = []
        while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
            whole.update(data: chunk)
            chunks.append(sha256(of: chunk))
        }
        return (Hex.string(whole.finalize()), chunks)
    }

    /// fsyncs `temporary` and renames it to `file`.
    static func syncAndRename(_ temporary: URL, to file: URL) throws {
        let handle = try FileHandle(forReadingFrom: temporary)  // fsync needs no write access
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, file.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
        }
    }
}
