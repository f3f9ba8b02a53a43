import Foundation
import MnemoCore
import MnemoData

/// A worker's cache folder (`--cache-dir`; by default `$XDG_CACHE_HOME/mnemo` or `~/.cache/mnemo`):
///
/// - `data/<dataset hash>.npz`: each prepared dataset (a ``DatasetFileCache``, bounded by
///   `--cache-max`), written from local files or fetched from the coordinator, and shared by every
///   slot and every worker that uses the folder;
/// - `tasks/<task id>-<attempt>/`: one folder per run (`mask.npy`, `params.json`, `out/`, logs),
///   deleted when the run succeeds; the last ``keptFailures`` failed ones are kept for `status --failures`;
/// - `checkpoints/<task id>/`: a run's `{checkpoint}` folder, kept across attempts on this host.
final class TrainerCache: @unchecked Sendable {
    /// The cache folder.
    let root: URL
    /// The prepared datasets, `data/`.
    let datasets: DatasetFileCache
    /// Failed runs' folders kept for inspection.
    static let keptFailures = 10

    private let lock = NSLock()

    init(root: URL, maxDataBytes: Int? = nil) {
        self.root = root
        datasets = DatasetFileCache(folder: root.appendingPathComponent("data"), maxBytes: maxDataBytes)
    }

    /// The `.npz` of `data` (prepared with content hash `hash`), written if missing or damaged.
    func dataFile(for data: DatasetExamples, hash: String, imageShape: [Int]?) throws -> URL {
        try datasets.file(hash: hash) { try NpzWriter.write(data.npzArrays(imageShape: imageShape), to: $0) }
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
}
