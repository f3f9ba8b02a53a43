import Foundation

/// Runs Python scripts against the real NumPy, for independent cross-checks of what Mnemo computes
/// and writes. Tests that need it are skipped where `python3` with NumPy is missing.
public enum NumPy {
    /// python3 exited non-zero.
    public struct ScriptFailed: Error, CustomStringConvertible {
        public let status: Int32
        public let stderr: String
        public var description: String { "python3 exited with \(status): \(stderr)" }
    }

    /// Whether `python3` with NumPy can be run here.
    public static let isAvailable: Bool = (try? run("import numpy")) != nil

    /// Runs `script` with `python3 -c`, passing `arguments` as `sys.argv[1...]`.
    ///
    /// - Returns: the script's standard output.
    /// - Throws: ``ScriptFailed`` with the script's standard error when it exits non-zero.
    @discardableResult
    public static func run(_ script: String, arguments: [String] = []) throws -> String {
        let run = try ChildProcess.run("/usr/bin/env", ["python3", "-c", script] + arguments)
        guard run.status == 0 else { throw ScriptFailed(status: run.status ?? -1, stderr: run.stderr) }
        return run.stdout
    }
}
