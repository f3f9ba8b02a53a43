import Foundation

/// A named n-dimensional array in C (row-major) order, ready to be written as a NumPy `.npy` file
/// or an entry of an `.npz` archive.
///
/// ```swift
/// let margins = try NpyArray(name: "margins", shape: [runs, examples], values: flatMargins)
/// try NpzWriter.write([margins], to: url)
/// // Python: np.load(url)["margins"].shape == (runs, examples)
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

    /// The largest number of dimensions NumPy accepts.
    public static let maximumDimensions = 32

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
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.bytes = bytes
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

    /// The `.npy` version 1.0 header: magic, version, header length and the header dictionary,
    /// padded with spaces and a newline so the data starts at a multiple of 64 bytes.
    public var header: Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(\(shape.map(String.init).joined(separator: ", ")))"
        let dictionary = "{'descr': '\(dtype.descriptor)', 'fortran_order': False, 'shape': \(shapeText), }"
        let prefixLength = 10  // magic (6) + version (2) + header length (2)
        let unpadded = prefixLength + dictionary.utf8.count + 1
        let padding = (64 - unpadded % 64) % 64
        let text = dictionary + String(repeating: " ", count: padding) + "\n"
        let textLength = UInt16(text.utf8.count)
        var header = Data([0x93])
        header.append(contentsOf: "NUMPY".utf8)
        header.append(contentsOf: [1, 0, UInt8(textLength & 0xFF), UInt8(textLength >> 8)])
        header.append(contentsOf: text.utf8)
        return header
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
