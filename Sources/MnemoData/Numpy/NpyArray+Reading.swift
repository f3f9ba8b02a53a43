import Foundation

/// An array from a NumPy `.npy` file (format versions 1, 2 and 3), in C order, of one of the element
/// types datasets use.
///
/// Layout: the magic `93 4e 55 4d 50 59` ("\x93NUMPY"), major and minor version bytes, the header
/// length (little-endian, 2 bytes in version 1, 4 bytes later), a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and ended by a
/// newline, then the elements.
public struct NumpyArray: Sendable, Equatable {
    /// The element types read, by their NumPy `descr`.
    public enum ElementType: String, Sendable, CaseIterable {
        case float32 = "<f4"
        case float64 = "<f8"
        case uint8 = "|u1"
        case int32 = "<i4"
        case int64 = "<i8"
        case bool = "|b1"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .uint8, .bool: 1
            case .float32, .int32: 4
            case .float64, .int64: 8
            }
        }
    }

    /// The type of every element.
    public let elementType: ElementType
    /// The dimensions, outermost first; empty for a scalar.
    public let shape: [Int]
    /// The elements' little-endian bytes, in C order.
    public let payload: [UInt8]
    /// Where the elements start in the file (so that errors about an element can give its offset).
    public let payloadOffset: Int

    /// The `.npy` magic bytes.
    public static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// An array of `elementType` with `shape` over `payload`, as if read at `payloadOffset`.
    public init(elementType: ElementType, shape: [Int], payload: [UInt8], payloadOffset: Int = 0) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension")
        precondition(payload.count == shape.reduce(1, *) * elementType.size, "payload does not match the shape")
        self.elementType = elementType
        self.shape = shape
        self.payload = payload
        self.payloadOffset = payloadOffset
    }

    /// A `<f4` array of `values` with `shape`.
    public init(shape: [Int], float32 values: [Float]) {
        self.init(
            elementType: .float32, shape: shape,
            payload: values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * $0)) } }
        )
    }

    /// A `<i8` array of `values` with `shape`.
    public init(shape: [Int], int64 values: [Int64]) {
        self.init(
            elementType: .int64, shape: shape,
            payload: values.flatMap { value in (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } })
    }

    /// Reads and validates a `.npy` file.
    ///
    /// - Throws: ``DatasetError`` if the file is missing or unreadable, or as ``parse(_:file:)``.
    public static func read(contentsOf url: URL) throws(DatasetError) -> NumpyArray {
        try parse(DatasetFile.bytes(of: url), file: url.path)
    }

    /// Parses `.npy` content.
    ///
    /// - Parameter file: the file name used in errors.
    /// - Throws: ``DatasetError`` naming the offset of a wrong magic number or version, a malformed
    ///   header, an unsupported element type or Fortran order, or a length that disagrees with the shape.
    public static func parse(_ data: Data, file: String) throws(DatasetError) -> NumpyArray {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else {
            throw DatasetError(file: file, offset: bytes.count, reason: "file ends inside the 8-byte .npy preamble")
        }
        guard Array(bytes[0..<6]) == magic else {
            let found = bytes[0..<6].map { String(format: "%02x", $0) }.joined(separator: " ")
            throw DatasetError(
                file: file, offset: 0, reason: "bad magic number \(found): a .npy file starts with 93 NUMPY")
        }
        let major = bytes[6]
        guard (1...3).contains(major) else {
            throw DatasetError(file: file, offset: 6, reason: "unsupported .npy format version \(major).\(bytes[7])")
        }
        let lengthSize = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthSize else {
            throw DatasetError(file: file, offset: bytes.count, reason: "file ends inside the header length")
        }
        let headerLength = (0..<lengthSize).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        let headerStart = 8 + lengthSize
        let payloadOffset = headerStart + headerLength
        guard bytes.count >= payloadOffset else {
            throw DatasetError(
                file: file, offset: bytes.count, reason: "file ends inside the \(headerLength)-byte header")
        }
        guard let header = String(bytes: bytes[headerStart..<payloadOffset], encoding: .utf8) else {
            throw DatasetError(file: file, offset: headerStart, reason: "the header is not UTF-8 text")
        }
        let fields = try NumpyHeader(header, file: file, offset: headerStart)
        guard let elementType = ElementType(rawValue: fields.descr) else {
            let supported = ElementType.allCases.map(\.rawValue).joined(separator: ", ")
            throw DatasetError(
                file: file, offset: headerStart,
                reason: "unsupported element type '\(fields.descr)' (supported: \(supported))")
        }
        guard !fields.fortranOrder else {
            throw DatasetError(
                file: file, offset: headerStart, reason: "Fortran-order arrays are not supported; save in C order")
        }
        var total = 1
        for size in fields.shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow, product <= Int.max / elementType.size else {
                throw DatasetError(file: file, offset: headerStart, reason: "shape \(fields.shape) is too large")
            }
            total = product
        }
        let expected = total * elementType.size
        let available = bytes.count - payloadOffset
        if available < expected {
            let rowBytes = fields.shape.dropFirst().reduce(elementType.size, *)
            let rows = fields.shape.first.map { "after \(rowBytes == 0 ? 0 : available / rowBytes) of \($0) rows" }
            throw DatasetError(
                file: file, offset: bytes.count,
                reason: "file ends \(rows ?? "before its element") (\(available) of \(expected) data bytes): truncated")
        }
        if available > expected {
            throw DatasetError(
                file: file, offset: payloadOffset + expected,
                reason: "\(available - expected) unexpected bytes after the \(total) elements")
        }
        return NumpyArray(
            elementType: elementType, shape: fields.shape, payload: Array(bytes[payloadOffset...]),
            payloadOffset: payloadOffset)
    }

    /// The file's `.npy` encoding (format version 1.0, header padded to a multiple of 64 bytes).
    public func encoded() -> Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(elementType.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = Self.magic.count + 4 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(Self.magic + [1, 0])
        data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        data.append(contentsOf: payload)
        return data
    }

    /// Element `index` (in C order) as a `Double`; booleans are 0 or 1.
    func value(at index: Int) -> Double {
        payload.withUnsafeBytes { Self.value(in: $0, at: index, type: elementType) }
    }

    private static func value(in raw: UnsafeRawBufferPointer, at index: Int, type: ElementType) -> Double {
        let offset = index &* type.size
        switch type {
        case .float32:
            return Double(
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
        case .float64:
            return Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        case .uint8: return Double(raw[offset])
        case .bool: return raw[offset] == 0 ? 0 : 1
        case .int32: return Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        case .int64: return Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
        }
    }

    /// All elements as `Float`s, checked to be finite.
    ///
    /// - Parameter file: the file name used in errors.
    /// - Throws: ``DatasetError`` at the offset of the first NaN or infinite element, naming its row
    ///   and column (row = index along the first dimension).
    public func floatValues(file: String) throws(DatasetError) -> [Float] {
        let total = count
        let type = elementType
        let values = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            payload.withUnsafeBytes { raw in
                for index in 0..<total { buffer[index] = Float(Self.value(in: raw, at: index, type: type)) }
            }
            initialized = total
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            let rowLength = shape.dropFirst().reduce(1, *)
            let (row, column) = rowLength == 0 ? (bad, 0) : bad.quotientAndRemainder(dividingBy: rowLength)
            throw DatasetError(
                file: file, offset: payloadOffset + bad * elementType.size,
                reason: "row \(row), column \(column): feature value \(value(at: bad)) is not finite")
        }
        return values
    }
}
