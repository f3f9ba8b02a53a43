import Crypto
import Foundation
import MnemoCore
import MnemoData

/// A worker's cache folder for command trainers (`--cache-dir`; by default `$XDG_CACHE_HOME/mnemo` or
/// `~/.cache/mnemo`):
///
/// - `data/<dataset hash>.npz`: each prepared dataset, written once (temporary file, fsync, rename)
///   and shared by every slot and every worker that uses the folder; `<…>.npz.sha256` beside it holds
///   the file's own hash, which a reader checks before first use and rewrites the file if it differs;
/// - `tasks/<task id>-<attempt>/`: one folder per run (`mask.npy`, `params.json`, `out/`, logs),
///   deleted when the run succeeds; the last ``keptFailures`` failed ones are kept for `status --failures`;
/// - `checkpoints/<task id>/`: a run's `{checkpoint}` folder, kept across attempts on this host.
final class TrainerCache: @unchecked Sendable {
    /// The cache folder.
    let root: URL
    /// Failed runs' folders kept for inspection.
    static let keptFailures = 10

    private let lock = NSLock()
    /// Data files this process has checked, by path, with their size and modification time then: a
    /// file changed since (a command that wrote into `{data}`) is checked again.
    private var checked: [String: [FileAttributeKey: AnyHashable]] = [:]

    init(root: URL) {
        self.root = root
    }

    /// The default folder: `$XDG_CACHE_HOME/mnemo`, else `~/.cache/mnemo`.
    static var defaultRoot: URL {
        if let xdg = ProcessInfo.processInfo.environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("mnemo")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/mnemo")
    }

    /// The `.npz` of `data` (prepared with content hash `hash`), written if missing or damaged.
    func dataFile(for data: PreparedDataset, hash: String, imageShape: [Int]?) throws -> URL {
        let folder = root.appendingPathComponent("data")
        let file = folder.appendingPathComponent("\(hash).npz")
        let sidecar = folder.appendingPathComponent("\(hash).npz.sha256")
        lock.lock()
        defer { lock.unlock() }
        if let seen = checked[file.path], seen == Self.stamp(of: file) { return file }
        if let expected = try? String(contentsOf: sidecar, encoding: .utf8), let found = try? Self.sha256(of: file),
            expected == found
        {
            checked[file.path] = Self.stamp(of: file)
            return file
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let temporary = folder.appendingPathComponent(".\(hash).\(getpid()).\(UUID().uuidString.prefix(8)).npz")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try NpzWriter.write(Self.arrays(of: data, imageShape: imageShape), to: temporary)
        // Read-only, so that a command cannot change what every later run reads by accident.
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: temporary.path)
        try Self.syncAndRename(temporary, to: file)
        let hashTemporary = folder.appendingPathComponent(".\(hash).\(getpid()).\(UUID().uuidString.prefix(8)).sha256")
        try Data(try Self.sha256(of: file).utf8).write(to: hashTemporary)
        try Self.syncAndRename(hashTemporary, to: sidecar)
        checked[file.path] = Self.stamp(of: file)
        return file
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

    /// A fresh folder for one run, with an empty `out/`.
    func taskFolder(taskID: String, attempt: Int) throws -> URL {
        let folder = root.appendingPathComponent("tasks/\(taskID)-\(attempt)")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)
        return folder
    }

    /// The run's checkpoint folder, kept across attempts.
    func checkpointFolder(taskID: String) throws -> URL {
        let folder = root.appendingPathComponent("checkpoints/\(taskID)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// Removes a finished run's folder and its checkpoints.
    func finished(taskID: String, folder: URL) {
        try? FileManager.default.removeItem(at: folder)
        try? FileManager.default.removeItem(at: root.appendingPathComponent("checkpoints/\(taskID)"))
    }

    /// Removes the folder of a run handed back unfinished, keeping its checkpoints for the next attempt.
    func discard(folder: URL) {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Keeps a failed run's folder, removing the oldest beyond ``keptFailures``.
    func failed(folder: URL) {
        try? Data().write(to: folder.appendingPathComponent("FAILED"))
        lock.lock()
        defer { lock.unlock() }
        let tasks = root.appendingPathComponent("tasks")
        let failed = ((try? FileManager.default.contentsOfDirectory(at: tasks, includingPropertiesForKeys: [.contentModificationDateKey])) ?? [])
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("FAILED").path) }
            .sorted { modified($0) < modified($1) }
        for old in failed.dropLast(Self.keptFailures) {
            try? FileManager.default.removeItem(at: old)
        }
    }

    private func modified(_ url: URL) -> Date {
        (try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast
    }

    /// The arrays of a dataset's `.npz`: features float32 (n × d, or n × C × H × W for images), labels
    /// int64, for train, test and validation when there is one.
    static func arrays(of data: PreparedDataset, imageShape: [Int]?) throws -> [NpyArray] {
        var parts: [(String, LabeledData)] = [("train", data.train), ("test", data.test)]
        if let validation = data.validation { parts.append(("validation", validation)) }
        return try parts.flatMap { name, examples in
            let shape = imageShape.map { [examples.count] + $0 } ?? [examples.count, examples.dimension]
            return [
                try NpyArray(name: "\(name)_features", shape: shape, values: examples.features),
                try NpyArray(name: "\(name)_labels", shape: [examples.count], values: examples.labels.map(Int64.init)),
            ]
        }
    }

    static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return Hex.string(hasher.finalize())
    }

    private static func syncAndRename(_ temporary: URL, to file: URL) throws {
        let handle = try FileHandle(forReadingFrom: temporary)  // fsync needs no write access
        try handle.synchronize()
        try handle.close()
        guard rename(temporary.path, file.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
        }
    }
}
