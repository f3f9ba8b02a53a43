import Foundation
import MnemoTestSupport

/// A read-only bind mount of a folder: a read-only file system even for root, whom permission bits
/// do not stop. Needs root and the right to mount (`CAP_SYS_ADMIN`).
enum ReadOnlyMount {
    /// A `mount` or `umount` command that failed.
    struct Failure: Error, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        var description: String { "\(arguments.joined(separator: " ")) exited with status \(status)" }
    }

    /// Runs `body` with a read-only view of `source`, mounted at a new folder beside it and unmounted
    /// (and removed) before this returns.
    static func reading<T>(_ source: URL, _ body: (URL) throws -> T) throws -> T {
        let view = source.deletingLastPathComponent()
            .appendingPathComponent("\(source.lastPathComponent)-ro-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: view, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: view) }
        try run(["mount", "--bind", source.path, view.path])
        defer { try? run(["umount", view.path]) }
        try run(["mount", "-o", "remount,ro,bind", view.path])
        return try body(view)
    }

    /// Whether this process may make read-only bind mounts, found by mounting a scratch folder once.
    static let isPermitted: Bool = {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("mnemo-mount-probe-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        guard (try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)) != nil else {
            return false
        }
        return (try? reading(scratch) { _ in }) != nil
    }()

    private static func run(_ arguments: [String]) throws {
        let status = try ChildProcess.run("/usr/bin/env", arguments, timeout: 60).status
        guard status == 0 else { throw Failure(arguments: arguments, status: status ?? -1) }
    }
}
