import Foundation
import MnemoCore

/// An IDX file of unsigned bytes (the MNIST / Fashion-MNIST format), gzipped or not.
///
/// Layout: two zero bytes, the element type (`0x08` = unsigned byte), the number of dimensions,
/// each dimension as a big-endian 32-bit integer, then the elements in row-major order.
public struct IDXFile: Sendable, Equatable {
    /// The dimensions, outermost first (e.g. `[60000, 28, 28]` for images, `[60000]` for labels).
    public let dimensions: [Int]
    /// The elements, row-major.
    public let elements: [UInt8]

    /// The element type code of unsigned bytes, the only one MNIST-style datasets use.
    public static let unsignedByteType: UInt8 = 0x08

    /// Reads and validates an IDX file, decompressing it first if it starts with the gzip magic.
    ///
    /// - Parameters:
    ///   - url: the file.
    ///   - itemName: what one entry along the first dimension is called in errors ("images", "labels").
    /// - Throws: ``DatasetError`` if the file is missing, unreadable, not gzip/IDX, or its length
    ///   disagrees with its dimensions.
    public static func read(contentsOf url: URL, itemName: String = "items") throws(DatasetError) -> IDXFile {
        try parse(DatasetFile.bytes(of: url), file: url.path, itemName: itemName)
    }

    /// Parses IDX content, decompressing it first if it starts with the gzip magic.
    ///
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - file: the file name used in errors.
    ///   - itemName: what one entry along the first dimension is called in errors.
    /// - Throws: ``DatasetError`` for a malformed, truncated or corrupt gzip stream, a bad IDX magic
    ///   number, an unsupported element type, a zero dimension, or a length that does not match the
    ///   dimensions.
    public static func parse(_ data: Data, file: String, itemName: String = "items") throws(DatasetError) -> IDXFile {
        let content = Gzip.isGzip(data) ? try Gzip.decompress(data, file: file) : data
        let result = content.withUnsafeBytes { raw in
            Result { () throws(DatasetError) in
                try parse(raw.bindMemory(to: UInt8.self), file: file, itemName: itemName)
            }
        }
        return try result.get()
    }

    private static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, file: String, itemName: String
    ) throws(DatasetError) -> IDXFile {
        guard bytes.count >= 4 else {
            throw DatasetError(file: file, offset: bytes.count, reason: "file ends inside the 4-byte IDX magic number")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            let found = Hex.string(bytes[0..<4], separator: " ")
            throw DatasetError(
                file: file, offset: 0,
                reason: "bad magic number \(found): an IDX file starts with 00 00, the type and the rank")
        }
        guard bytes[2] == unsignedByteType else {
            throw DatasetError(
                file: file, offset: 2,
                reason: String(format: "unsupported element type 0x%02x (only unsigned bytes, 0x08)", bytes[2]))
        }
        let rank = Int(bytes[3])
        guard rank >= 1 else {
            throw DatasetError(file: file, offset: 3, reason: "rank 0: an IDX file needs at least one dimension")
        }
        let headerLength = 4 + 4 * rank
        guard bytes.count >= headerLength else {
            throw DatasetError(
                file: file, offset: bytes.count, reason: "file ends inside the \(rank) dimension sizes")
        }
        var dimensions: [Int] = []
        var total = 1
        for axis in 0..<rank {
            let offset = 4 + 4 * axis
            let size = (0..<4).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) }
            guard size > 0 else {
                throw DatasetError(file: file, offset: offset, reason: "dimension \(axis) has size 0")
            }
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow else {
                throw DatasetError(file: file, offset: offset, reason: "dimensions \(dimensions + [size]) are too large")
            }
            dimensions.append(size)
            total = product
        }
        let payload = bytes.count - headerLength
        let itemSize = total / dimensions[0]
        if payload < total {
            throw DatasetError(
                file: file, offset: headerLength,
                reason: "file ends after \(payload / itemSize) of \(dimensions[0]) \(itemName)")
        }
        if payload > total {
            throw DatasetError(
                file: file, offset: headerLength + total,
                reason: "\(payload - total) unexpected bytes after the last of \(dimensions[0]) \(itemName)")
        }
        return IDXFile(dimensions: dimensions, elements: Array(bytes[headerLength...]))
    }

    /// An IDX file with the given dimensions and elements.
    public init(dimensions: [Int], elements: [UInt8]) {
        precondition(dimensions.reduce(1, *) == elements.count, "IDX elements do not match the dimensions")
        self.dimensions = dimensions
        self.elements = elements
    }

    /// The file's IDX encoding (uncompressed).
    public func encoded() -> Data {
        var data = Data([0, 0, Self.unsignedByteType, UInt8(dimensions.count)])
        for size in dimensions {
            data.append(contentsOf: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: size >> $0) })
        }
        data.append(contentsOf: elements)
        return data
    }
}
