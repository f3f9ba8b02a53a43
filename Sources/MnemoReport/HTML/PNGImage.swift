import Foundation

/// An 8-bit grayscale or RGB image written as PNG without a compression library: the image data go in
/// zlib "stored" (uncompressed) deflate blocks, so the file is a little larger than the pixels and any
/// PNG reader opens it. Enough for contact sheets of small thumbnails.
public struct PNGImage: Sendable, Equatable {
    /// Pixel layout.
    public enum Color: UInt8, Sendable {
        case gray = 0
        case rgb = 2

        var channels: Int { self == .gray ? 1 : 3 }
    }

    public let width: Int
    public let height: Int
    public let color: Color
    /// Row-major samples, `width × height × channels` of them.
    public private(set) var pixels: [UInt8]

    /// A blank image filled with `fill` (one value per channel).
    public init(width: Int, height: Int, color: Color, fill: [UInt8]) {
        precondition(width > 0 && height > 0 && fill.count == color.channels, "an image needs a size and one fill value per channel")
        self.width = width
        self.height = height
        self.color = color
        pixels = Array((0..<(width * height)).lazy.flatMap { _ in fill })
    }

    /// Sets the pixel at (`x`, `y`) to `value` (one value per channel); outside the image, nothing.
    public mutating func set(x: Int, y: Int, _ value: [UInt8]) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let start = (y * width + x) * color.channels
        for channel in 0..<color.channels { pixels[start + channel] = value[channel] }
    }

    /// The PNG file.
    public func encoded() -> Data {
        var file = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header.append(contentsOf: [8, color.rawValue, 0, 0, 0])
        Self.appendChunk("IHDR", header, to: &file)
        // Each row starts with filter type 0 (none).
        let rowBytes = width * color.channels
        var raw = Data(capacity: height * (rowBytes + 1))
        for row in 0..<height {
            raw.append(0)
            raw.append(contentsOf: pixels[(row * rowBytes)..<((row + 1) * rowBytes)])
        }
        Self.appendChunk("IDAT", Self.storedZlib(raw), to: &file)
        Self.appendChunk("IEND", Data(), to: &file)
        return file
    }

    /// A zlib stream of stored deflate blocks (at most 65,535 bytes each) with its Adler-32.
    static func storedZlib(_ bytes: Data) -> Data {
        var stream = Data([0x78, 0x01])
        var offset = bytes.startIndex
        repeat {
            let length = min(65_535, bytes.endIndex - offset)
            let last = offset + length == bytes.endIndex
            stream.append(last ? 1 : 0)
            stream.appendLittleEndian(UInt16(length))
            stream.appendLittleEndian(~UInt16(length))
            stream.append(bytes[offset..<(offset + length)])
            offset += length
        } while offset < bytes.endIndex
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        stream.appendBigEndian(b << 16 | a)
        return stream
    }

    private static func appendChunk(_ type: String, _ body: Data, to file: inout Data) {
        file.appendBigEndian(UInt32(body.count))
        let typed = Data(type.utf8) + body
        file.append(typed)
        file.appendBigEndian(crc32(typed))
    }

    /// CRC-32 (IEEE 802.3, the one PNG and zip use).
    static func crc32(_ bytes: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }
}

extension Data {
    fileprivate mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }

    fileprivate mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
