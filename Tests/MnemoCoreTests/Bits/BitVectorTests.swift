import Foundation
import MnemoCore
import Testing

@Suite struct BitVectorTests {
    static func randomBits(count: Int, stream: UInt64) -> [Bool] {
        var rng = CounterRNG(key: 0xB175, stream: stream)
        return (0..<count).map { _ in rng.next() & 1 == 1 }
    }

    @Test(arguments: [0, 1, 7, 8, 9, 1000])
    func roundTripsThroughBytesAndData(count: Int) throws {
        let bools = Self.randomBits(count: count, stream: UInt64(count))
        let bits = BitVector(bools)
        #expect(bits.count == count)
        #expect(bits.bytes.count == (count + 7) / 8)
        #expect(Array(bits) == bools)
        #expect(bits.popcount == bools.filter { $0 }.count)
        #expect(try BitVector(bytes: bits.bytes, count: count) == bits)
        #expect(try BitVector(data: bits.data, count: count) == bits)
    }

    @Test func packsLeastSignificantBitFirstInExampleOrder() {
        // Examples 0, 2 and 9 set: byte 0 = 0b0000_0101, byte 1 = 0b0000_0010.
        var bools = [Bool](repeating: false, count: 10)
        bools[0] = true
        bools[2] = true
        bools[9] = true
        #expect(BitVector(bools).bytes == [0b0000_0101, 0b0000_0010])
        #expect(BitVector(bools).description == "1010000001")
    }

    @Test func subscriptSetsAndClearsSingleBits() {
        var bits = BitVector(count: 12)
        bits[11] = true
        bits[3] = true
        bits[3] = false
        bits[0] = true
        #expect(bits.bytes == [0b0000_0001, 0b0000_1000])
        #expect(bits[11] && bits[0] && !bits[3])
        #expect(bits.popcount == 2)
    }

    @Test func rejectsWrongByteLength() {
        #expect(throws: BitVectorError.lengthMismatch(count: 9, expectedBytes: 2, actualBytes: 1)) {
            try BitVector(bytes: [0xFF], count: 9)
        }
        #expect(throws: BitVectorError.lengthMismatch(count: 8, expectedBytes: 1, actualBytes: 2)) {
            try BitVector(data: Data([0, 0]), count: 8)
        }
        #expect(throws: BitVectorError.lengthMismatch(count: 0, expectedBytes: 0, actualBytes: 1)) {
            try BitVector(bytes: [0], count: 0)
        }
    }

    @Test func rejectsSetPaddingBits() {
        // 9 bits use bit 0 of byte 1; bit 1 of byte 1 is padding.
        #expect(throws: BitVectorError.nonzeroPadding(count: 9, byteOffset: 1, byte: 0b11)) {
            try BitVector(bytes: [0, 0b11], count: 9)
        }
        #expect((try? BitVector(bytes: [0, 0b01], count: 9)) != nil)
    }

    @Test func rejectsNegativeCount() {
        #expect(throws: BitVectorError.negativeCount(-1)) {
            try BitVector(bytes: [], count: -1)
        }
    }

    @Test func errorsNameTheProblem() {
        let error = BitVectorError.nonzeroPadding(count: 9, byteOffset: 1, byte: 0b11)
        #expect(error.description == "bit vector of 9 bits: padding bits set in byte 1 (0x3)")
        let length = BitVectorError.lengthMismatch(count: 9, expectedBytes: 2, actualBytes: 1)
        #expect(length.description == "bit vector of 9 bits: expected 2 bytes, got 1")
    }
}
