import Foundation

/// Runs NumPy snippets for independent cross-checks.
enum NumPy {
    static let isAvailable: Bool = (try? run("import numpy; print('ok')"))?.hasPrefix("ok") ?? false

    /// Runs `script` with python3 and returns its standard output; throws with stderr on failure.
    static func run(_ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NumPyError(message: String(decoding: error, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }
}

struct NumPyError: Error, CustomStringConvertible {
    let message: String
    var description: String { "python3 failed: \(message)" }
}
