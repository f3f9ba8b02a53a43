import Foundation
import MnemoCore
import MnemoWire
import Testing

@Suite struct CRC32CTests {
    /// Bit-at-a-time CRC-32C, the textbook definition the table-driven code must agree with.
    static func bitwiseCRC32C(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1
            }
        }
        return ~crc
    }

    static func randomBytes(_ count: Int, stream: UInt64) -> [UInt8] {
        var rng = CounterRNG(key: 0xC5C3_2C, stream: stream)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }
}

extension CRC32CTests {
    @Test func standardCheckValue() {
        #expect(CRC32C.checksum(Data("123456789".utf8)) == 0xE306_9283)
    }

    @Test func iSCSITestVectorsFromRFC3720() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
    }

    @Test func emptyInputHasChecksumZero() {
        #expect(CRC32C.checksum(Data()) == 0)
    }

    @Test func slicingByEightAgreesWithBitwiseDefinitionAtEveryLengthAndAlignment() {
        let bytes = Self.randomBytes(300, stream: 1)
        for start in 0..<8 {
            for length in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 292 - start] {
                let slice = Data(bytes)[start..<(start + length)]
                #expect(CRC32C.checksum(slice) == Self.bitwiseCRC32C(slice), "start \(start), length \(length)")
            }
        }
    }

    @Test func incrementalUpdatesEqualOneShot() {
        let bytes = Self.randomBytes(1000, stream: 2)
        for split in [0, 1, 5, 8, 333, 999, 1000] {
            var crc = CRC32C()
            crc.update(Array(bytes[..<split]))
            crc.update(Array(bytes[split...]))
            #expect(crc.value == CRC32C.checksum(bytes), "split at \(split)")
        }
    }

    @Test func detectsEverySingleBitFlip() {
        let bytes = Self.randomBytes(64, stream: 3)
        let original = CRC32C.checksum(bytes)
        for bit in 0..<(bytes.count * 8) {
            var flipped = bytes
            flipped[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(CRC32C.checksum(flipped) != original, "bit \(bit)")
        }
    }
}
