import Foundation

/// CRC-32C (Castagnoli, reflected polynomial `0x82F63B78`), the checksum of message payloads.
///
/// Table-driven with slicing-by-8: eight bytes per step through eight 256-entry tables. The check value
/// of `"123456789"` is `0xE3069283`.
///
/// ```swift
/// let crc = CRC32C.checksum(payload)
/// var running = CRC32C()
/// running.update(firstHalf)
/// running.update(secondHalf)      // running.value == CRC32C.checksum(firstHalf + secondHalf)
/// ```
public struct CRC32C: Sendable, Equatable {
    private var state: UInt32 = 0xFFFF_FFFF

    /// A checksum over no bytes yet.
    public init() {}

    /// The checksum of all bytes given to ``update(_:)`` so far.
    public var value: UInt32 { ~state }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: some ContiguousBytes) -> UInt32 {
        var crc = CRC32C()
        crc.update(bytes)
        return crc.value
    }

    /// Extends the checksum by `bytes`.
    public mutating func update(_ bytes: some ContiguousBytes) {
        state = bytes.withUnsafeBytes { buffer in
            Self.tables.withUnsafeBufferPointer { table in
                Self.advance(state, over: buffer, table: table)
            }
        }
    }

    private static func advance(
        _ start: UInt32, over buffer: UnsafeRawBufferPointer, table: UnsafeBufferPointer<UInt32>
    )
        -> UInt32
    {
        var crc = start
        var offset = 0
        while buffer.count - offset >= 8 {
            let low = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) ^ crc
            let high = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
            crc =
                table[7 * 256 + Int(low & 0xFF)] ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                ^ table[5 * 256 + Int((low >> 16) & 0xFF)] ^ table[4 * 256 + Int(low >> 24)]
                ^ table[3 * 256 + Int(high & 0xFF)] ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                ^ table[1 * 256 + Int((high >> 16) & 0xFF)] ^ table[Int(high >> 24)]
            offset += 8
        }
        while offset < buffer.count {
            crc = table[Int((crc ^ UInt32(buffer[offset])) & 0xFF)] ^ (crc >> 8)
            offset += 1
        }
        return crc
    }

    /// Table `k` (entries `256·k ..< 256·(k+1)`) advances a byte that is followed by `k` more bytes.
    private static let tables: [UInt32] = {
        let polynomial: UInt32 = 0x82F6_3B78
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1
            }
            tables[byte] = crc
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = tables[(slice - 1) * 256 + byte]
                tables[slice * 256 + byte] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()
}
