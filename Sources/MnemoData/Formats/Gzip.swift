import Foundation
import ZIPFoundation

/// A reader for single-member gzip files (RFC 1952): the header is parsed here, the deflate stream
/// is inflated by ZIPFoundation, and the trailer's CRC-32 and size are checked against the output.
/// The trailer is taken to be the file's last 8 bytes, so a multi-member file fails those checks.
enum Gzip {
    /// Whether `data` starts with the gzip magic bytes `1f 8b`.
    static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// The decompressed content of the gzip file `data`.
    ///
    /// - Parameter file: the file name used in errors.
    /// - Throws: ``DatasetError`` naming the offset of a malformed header, a truncated or corrupt
    ///   deflate stream, or a trailer whose CRC-32 or size does not match the data.
    static func decompress(_ data: Data, file: String) throws(DatasetError) -> Data {
        let bytes = [UInt8](data)
        let headerEnd = try headerLength(bytes, file: file)
        guard bytes.count >= headerEnd + trailerLength else {
            throw DatasetError(
                file: file, offset: bytes.count, reason: "gzip: file ends before the compressed data and its trailer")
        }
        let trailerStart = bytes.count - trailerLength
        let expectedCRC = littleEndianUInt32(bytes, at: trailerStart)
        let expectedSize = littleEndianUInt32(bytes, at: trailerStart + 4)
        let inflated = try inflate(
            bytes[headerEnd..<trailerStart], expectedSize: expectedSize, file: file, headerEnd: headerEnd)
        // A cut-off file ends in bytes that are not its trailer, so either check can be the one to
        // fail; the size is checked first because its numbers tell more.
        if UInt32(truncatingIfNeeded: inflated.data.count) != expectedSize {
            throw DatasetError(
                file: file, offset: trailerStart + 4,
                reason: "gzip: the data inflates to \(inflated.data.count) bytes but the trailer says \(expectedSize): "
                    + "the file is truncated or corrupt")
        }
        if inflated.crc != expectedCRC {
            throw DatasetError(
                file: file, offset: trailerStart,
                reason: "gzip: CRC-32 mismatch: the trailer says \(hex(expectedCRC)), the data gives \(hex(inflated.crc)): "
                    + "the file is corrupt or truncated")
        }
        return inflated.data
    }

    private static let trailerLength = 8
    private static let chunkSize = 1 << 20

    private enum Flag {
        static let headerCRC: UInt8 = 0x02
        static let extra: UInt8 = 0x04
        static let name: UInt8 = 0x08
        static let comment: UInt8 = 0x10
        static let reserved: UInt8 = 0xE0
    }

    /// The length of the member header, after checking magic, method, flags and the optional header CRC.
    private static func headerLength(_ bytes: [UInt8], file: String) throws(DatasetError) -> Int {
        let fixedLength = 10
        guard bytes.count >= fixedLength else {
            throw DatasetError(file: file, offset: bytes.count, reason: "gzip: file ends inside the 10-byte header")
        }
        guard bytes[0] == 0x1F, bytes[1] == 0x8B else {
            throw DatasetError(
                file: file, offset: 0, reason: "gzip: bad magic \(hex(bytes[0])) \(hex(bytes[1])), expected 0x1f 0x8b")
        }
        guard bytes[2] == 8 else {
            throw DatasetError(file: file, offset: 2, reason: "gzip: compression method \(bytes[2]), expected 8 (deflate)")
        }
        let flags = bytes[3]
        guard flags & Flag.reserved == 0 else {
            throw DatasetError(file: file, offset: 3, reason: "gzip: reserved flag bits set in \(hex(flags))")
        }
        var position = fixedLength
        if flags & Flag.extra != 0 {
            guard bytes.count >= position + 2 else {
                throw DatasetError(file: file, offset: position, reason: "gzip: file ends inside the extra-field length")
            }
            let extraLength = Int(bytes[position]) | Int(bytes[position + 1]) << 8
            position += 2 + extraLength
            guard bytes.count >= position else {
                throw DatasetError(file: file, offset: bytes.count, reason: "gzip: file ends inside the extra field")
            }
        }
        for (flag, what) in [(Flag.name, "file name"), (Flag.comment, "comment")] where flags & flag != 0 {
            guard let terminator = bytes[position...].firstIndex(of: 0) else {
                throw DatasetError(file: file, offset: bytes.count, reason: "gzip: file ends inside the \(what)")
            }
            position = terminator + 1
        }
        if flags & Flag.headerCRC != 0 {
            guard bytes.count >= position + 2 else {
                throw DatasetError(file: file, offset: position, reason: "gzip: file ends inside the header CRC")
            }
            let stored = UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
            let computed = UInt16(truncatingIfNeeded: Data(bytes[0..<position]).crc32(checksum: 0))
            guard stored == computed else {
                throw DatasetError(
                    file: file, offset: position,
                    reason: "gzip: header CRC mismatch: stored \(hex(stored)), computed \(hex(computed))")
            }
            position += 2
        }
        return position
    }

    /// Inflates a raw deflate stream and returns the output with its CRC-32.
    ///
    /// ZIPFoundation's Linux decoder always asks for `chunkSize` bytes and hands inflate that many,
    /// so every chunk is padded to full size with zeros; a request that starts past the end of the
    /// real data means the stream never reached its end marker.
    private static func inflate(
        _ compressed: ArraySlice<UInt8>, expectedSize: UInt32, file: String, headerEnd: Int
    ) throws(DatasetError) -> (data: Data, crc: UInt32) {
        var output = Data()
        output.reserveCapacity(Int(min(expectedSize, 1 << 30)))
        var readPastEnd = false
        let truncated = DatasetError(
            file: file, offset: headerEnd + compressed.count + trailerLength,
            reason: "gzip: file ends inside the compressed data (truncated)")
        let tooLong = DatasetError(
            file: file, offset: headerEnd,
            reason: "gzip: compressed data inflates to more than the \(expectedSize) bytes the trailer states")
        do {
            let crc = try Data.decompress(
                size: Int64(compressed.count), bufferSize: chunkSize, skipCRC32: false,
                provider: { position, size in
                    let start = Int(position)
                    guard start < compressed.count else { throw truncated }
                    let end = min(start + size, compressed.count)
                    var chunk = Data(compressed[(compressed.startIndex + start)..<(compressed.startIndex + end)])
                    if end - start < size {
                        readPastEnd = true
                        chunk.append(Data(count: size - (end - start)))
                    }
                    return chunk
                },
                consumer: { chunk in
                    output.append(chunk)
                    if output.count > Int(expectedSize) { throw tooLong }
                })
            return (output, crc)
        } catch let error as DatasetError where error == truncated || !readPastEnd {
            throw error
        } catch {
            // Once the zero padding after the real data has been handed out, inflate failing or
            // overrunning the stated size can be either a cut-off file or corrupt data.
            let problem = readPastEnd ? "is corrupt or truncated" : "is corrupt"
            throw DatasetError(file: file, offset: headerEnd, reason: "gzip: the deflate stream \(problem)")
        }
    }

    private static func littleEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    private static func hex<T: BinaryInteger>(_ value: T) -> String {
        "0x" + String(value, radix: 16)
    }
}
