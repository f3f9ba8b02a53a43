import Foundation

/// A named n-dimensional NumPy array in C (row-major) order: the one array type of the `.npy`/`.npz`
/// codec, both as read from a file (``parse(_:name:file:)``, ``read(contentsOf:)``,
/// ``NpzReader``) and as written (``write(to:)``, ``NpzWriter``).
///
/// ```swift
/// let margins = try NpyArray(name: "margins", shape: [runs, examples], values: flatMargins)
/// try NpzWriter.write([margins], to: url)
/// // Python: np.load(url)["margins"].shape == (runs, examples)
/// let back = try NpzReader.read(contentsOf: url, names: ["margins"])["margins"]
/// ```
public struct NpyArray: Sendable, Equatable {
    /// The array's key in an `.npz` archive (the entry is `name.npy`).
    public let name: String
    /// The dimensions; `[]` is a scalar, `[n]` a vector.
    public let shape: [Int]
    /// The element type.
    public let dtype: NpyDType
    /// The elements in C order, little-endian: `shape.product × dtype.itemSize` bytes.
    public let bytes: Data
    /// Where the elements start in the file the array was read from (so that errors about an
    /// element can give its offset); 0 for an array built in memory.
    public let payloadOffset: Int

    /// The largest number of dimensions NumPy accepts.
    public static let maximumDimensions = 32

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// Creates an array from raw little-endian bytes.
    ///
    /// - Throws: ``NpzError`` if a dimension is negative, there are more than
    ///   ``maximumDimensions`` of them, or `bytes` does not hold exactly the elements `shape` calls for.
    public init(name: String, shape: [Int], dtype: NpyDType, bytes: Data) throws {
        guard shape.count <= Self.maximumDimensions, shape.allSatisfy({ $0 >= 0 }),
            let expectedBytes = Self.byteCount(shape: shape, itemSize: dtype.itemSize)
        else {
            throw NpzError.badShape(array: name, shape: shape)
        }
        guard bytes.count == expectedBytes else {
            throw NpzError.sizeMismatch(
                array: name, shape: shape, dtype: dtype, expectedBytes: expectedBytes, givenBytes: bytes.count)
        }
        self.init(checkedName: name, shape: shape, dtype: dtype, bytes: bytes, payloadOffset: 0)
    }

    /// Creates an array from elements in C order.
    ///
    /// - Parameters:
    ///   - name: the key in an `.npz` archive.
    ///   - shape: the dimensions; their product must equal `values.count`.
    ///   - values: the elements, last index varying fastest.
    /// - Throws: ``NpzError`` if the shape does not fit the values.
    public init<Element: NpyElement>(name: String, shape: [Int], values: [Element]) throws {
        try self.init(name: name, shape: shape, dtype: Element.npyDType, bytes: values.withUnsafeBytes { Data($0) })
    }

    /// An array whose shape and byte count the caller has checked.
    init(checkedName name: String, shape: [Int], dtype: NpyDType, bytes: Data, payloadOffset: Int) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.bytes = bytes
        self.payloadOffset = payloadOffset
    }

    /// The `.npy` version 1.0 header: magic, version, header length and the header dictionary,
    /// padded with spaces and a newline so the data starts at a multiple of 64 bytes.
    public var header: Data {
        NpyHeader(dtype: dtype, shape: shape).encoded
    }

    /// The `.npy` header of an array of `shape` and `dtype`, for writers that stream the data after it.
    public static func header(dtype: NpyDType, shape: [Int]) -> Data {
        NpyHeader(dtype: dtype, shape: shape).encoded
    }

    /// The array's `.npy` encoding: ``header`` then ``bytes``.
    public func encoded() -> Data {
        header + bytes
    }

    /// Writes the array as a standalone `.npy` file, replacing any file at `url`.
    ///
    /// - Throws: ``NpzError`` if the file cannot be written.
    public func write(to url: URL) throws {
        do {
            try header.write(to: url)
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            try handle.write(contentsOf: bytes)
            try handle.close()
        } catch {
            throw NpzError.writeFailed(file: url.path, array: name, underlying: error)
        }
    }

    /// The product of the dimensions times the item size, or nil if it overflows.
    private static func byteCount(shape: [Int], itemSize: Int) -> Int? {
        var product = itemSize
        for dimension in shape {
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            product = next
        }
        return product
    }
}
