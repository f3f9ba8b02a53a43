import Foundation
import MnemoTestSupport

/// Reads files back with the real NumPy, the way their users will read them.
extension NumPy {
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
