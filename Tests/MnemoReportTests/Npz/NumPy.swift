import Foundation

/// Runs Python scripts against the real NumPy, to check files the way their users will read them.
enum NumPy {
    struct ScriptFailed: Error, CustomStringConvertible {
        let status: Int32
        let stderr: String
        var description: String { "python3 exited with \(status): \(stderr)" }
    }

    /// Whether `python3` with NumPy can be run here; tests that need it are skipped otherwise.
    static let isAvailable: Bool = (try? run("import numpy")) != nil

    /// Runs `script` with `python3 -c`, passing `arguments` as `sys.argv[1...]`.
    ///
    /// - Returns: the script's standard output.
    static func run(_ script: String, arguments: [String] = []) throws -> String {
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

    /// What NumPy read for one array. Values are strings so no precision is lost on the way: integers
    /// in decimal, floats as `float.hex()` (which `Double(String)` parses exactly).
    struct LoadedArray: Decodable {
        let dtype: String
        let shape: [Int]
        let cOrder: Bool
        /// Every element in C order, for arrays of at most 10,000 elements.
        let values: [String]?
        /// Sums over the last axis, for larger arrays.
        let rowSums: [String]?
    }

    private static let loader = """
        import json, sys
        import numpy as np
        def describe(a):
            flat = a.ravel().tolist()
            text = (lambda v: float(v).hex()) if a.dtype.kind == 'f' else (lambda v: str(int(v)))
            small = a.size <= 10000
            return {
                'dtype': a.dtype.str, 'shape': list(a.shape), 'cOrder': bool(a.flags.c_contiguous),
                'values': [text(v) for v in flat] if small else None,
                'rowSums': None if small else [str(int(s)) for s in a.astype(np.int64).sum(axis=-1).ravel()],
            }
        path = sys.argv[1]
        if path.endswith('.npz'):
            with np.load(path) as d:
                print(json.dumps({k: describe(d[k]) for k in d.files}))
        else:
            print(json.dumps({'': describe(np.load(path))}))
        """

    /// Loads an `.npz` (every array by name) or an `.npy` (under the key `""`) with `np.load`.
    static func load(_ url: URL) throws -> [String: LoadedArray] {
        let json = try run(loader, arguments: [url.path])
        return try JSONDecoder().decode([String: LoadedArray].self, from: Data(json.utf8))
    }
}
