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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ScriptFailed(status: process.terminationStatus, stderr: String(decoding: stderr, as: UTF8.self))
        }
        return String(decoding: stdout, as: UTF8.self)
    }
}
