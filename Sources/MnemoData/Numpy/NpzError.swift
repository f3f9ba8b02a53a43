/// Building or writing a NumPy array or archive failed. Names the array and, when writing, the file.
///
/// Reading one fails with ``DatasetError`` instead, which names the file and byte offset as every
/// dataset reader does.
///
/// ```
/// out/scores.npz: cannot write array mem_est: unwritableArchive
/// ```
public struct NpzError: Error, Sendable, CustomStringConvertible {
    private enum Kind: Sendable {
        case badShape(array: String, shape: [Int])
        case sizeMismatch(array: String, shape: [Int], dtype: NpyDType, expectedBytes: Int, givenBytes: Int)
        case duplicateEntry(file: String, array: String)
        case writeFailed(file: String, array: String?, underlying: String)
    }

    private let kind: Kind

    static func badShape(array: String, shape: [Int]) -> NpzError {
        NpzError(kind: .badShape(array: array, shape: shape))
    }

    static func sizeMismatch(
        array: String, shape: [Int], dtype: NpyDType, expectedBytes: Int, givenBytes: Int
    ) -> NpzError {
        NpzError(
            kind: .sizeMismatch(
                array: array, shape: shape, dtype: dtype, expectedBytes: expectedBytes, givenBytes: givenBytes))
    }

    static func duplicateEntry(file: String, array: String) -> NpzError {
        NpzError(kind: .duplicateEntry(file: file, array: array))
    }

    static func writeFailed(file: String, array: String?, underlying: any Error) -> NpzError {
        NpzError(kind: .writeFailed(file: file, array: array, underlying: "\(underlying)"))
    }

    /// The array concerned, if the failure concerns one.
    public var array: String? {
        switch kind {
        case .badShape(let array, _), .sizeMismatch(let array, _, _, _, _), .duplicateEntry(_, let array): array
        case .writeFailed(_, let array, _): array
        }
    }

    /// The file being written, if the failure happened while writing.
    public var file: String? {
        switch kind {
        case .badShape, .sizeMismatch: nil
        case .duplicateEntry(let file, _), .writeFailed(let file, _, _): file
        }
    }

    public var description: String {
        switch kind {
        case .badShape(let array, let shape):
            "array \(array): invalid shape \(shape) (dimensions must be ≥ 0, at most "
                + "\(NpyArray.maximumDimensions) of them, with a product that fits in memory)"
        case .sizeMismatch(let array, let shape, let dtype, let expectedBytes, let givenBytes):
            "array \(array): shape \(shape) of \(dtype.descriptor) needs \(expectedBytes) bytes "
                + "(\(expectedBytes / dtype.itemSize) elements) but \(givenBytes) were given"
        case .duplicateEntry(let file, let array):
            "\(file): array \(array) is already in the archive"
        case .writeFailed(let file, let array, let underlying):
            "\(file): cannot write \(array.map { "array \($0)" } ?? "archive"): \(underlying)"
        }
    }
}
