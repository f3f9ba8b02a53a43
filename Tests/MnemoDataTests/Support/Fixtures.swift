import Foundation
import MnemoData
import ZIPFoundation

/// Builders for small dataset files: IDX content, gzip wrappers with chosen header fields, and a
/// temporary folder that removes itself.
enum Fixtures {
    /// Header fields a gzip fixture may carry (RFC 1952 FEXTRA, FNAME, FCOMMENT, FHCRC).
    struct GzipHeader {
        var extra: [UInt8]?
        var name: String?
        var comment: String?
        var headerCRC = false
    }

    /// `content` as a single-member gzip file, deflated by zlib through ZIPFoundation.
    static func gzip(_ content: Data, header: GzipHeader = GzipHeader()) throws -> Data {
        var flags: UInt8 = 0
        if header.headerCRC { flags |= 0x02 }
        if header.extra != nil { flags |= 0x04 }
        if header.name != nil { flags |= 0x08 }
        if header.comment != nil { flags |= 0x10 }
        var file = Data([0x1F, 0x8B, 8, flags, 0, 0, 0, 0, 0, 3])
        if let extra = header.extra {
            file.append(contentsOf: [UInt8(extra.count & 0xFF), UInt8(extra.count >> 8)] + extra)
        }
        if let name = header.name { file.append(contentsOf: Array(name.utf8) + [0]) }
        if let comment = header.comment { file.append(contentsOf: Array(comment.utf8) + [0]) }
        if header.headerCRC {
            let crc = file.crc32(checksum: 0)
            file.append(contentsOf: [UInt8(crc & 0xFF), UInt8(crc >> 8 & 0xFF)])
        }
        var deflated = Data()
        _ = try Data.compress(
            size: Int64(content.count), bufferSize: 1 << 14,
            provider: { position, size in content.subdata(in: Int(position)..<(Int(position) + size)) },
            consumer: { deflated.append($0) })
        file.append(deflated)
        file.append(littleEndian(content.crc32(checksum: 0)))
        file.append(littleEndian(UInt32(truncatingIfNeeded: content.count)))
        return file
    }

    /// An IDX image file of `count` images of `rows × columns` pixels with pixel (i, j) of image n
    /// equal to `(n · 7 + i · 3 + j) mod 256`.
    static func images(count: Int, rows: Int, columns: Int) -> IDXFile {
        var pixels: [UInt8] = []
        for n in 0..<count {
            for i in 0..<rows {
                for j in 0..<columns { pixels.append(UInt8((n * 7 + i * 3 + j) % 256)) }
            }
        }
        return IDXFile(dimensions: [count, rows, columns], elements: pixels)
    }

    /// An IDX label file with label `n mod classCount` for example n.
    static func labels(count: Int, classCount: Int) -> IDXFile {
        IDXFile(dimensions: [count], elements: (0..<count).map { UInt8($0 % classCount) })
    }

    private static func littleEndian(_ value: UInt32) -> Data {
        Data((0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) })
    }
}
