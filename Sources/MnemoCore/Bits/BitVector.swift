import Foundation

/// A fixed-length vector of bits, packed eight to a byte: the wire and storage format of every result.
///
/// Layout: bit `i` lives in byte `i / 8` at bit position `i % 8`, counted from the least significant bit
/// (LSB-first within each byte). Bytes follow example order, so byte 0 holds examples 0–7 with example 0 in
/// its lowest bit. A vector of `count` bits occupies exactly ⌈count / 8⌉ bytes, and the unused high bits of
/// the last byte are zero. The count is not stored in the bytes: it travels beside them (message header,
/// database column), and decoding checks the bytes against it.
///
/// ```swift
/// let bits = BitVector([true, false, true])   // bytes == [0b0000_0101]
/// let back = try BitVector(bytes: bits.bytes, count: 3)
/// ```
public struct BitVector: Sendable, Hashable, RandomAccessCollection, CustomStringConvertible {
    /// The number of bits.
    public let count: Int
    /// The packed bytes, ⌈count / 8⌉ of them, padding bits zero.
    public private(set) var bytes: [UInt8]

    /// A vector of `count` zero bits.
    public init(count: Int) {
        precondition(count >= 0, "bit count must be non-negative")
        self.count = count
        self.bytes = [UInt8](repeating: 0, count: Self.byteCount(for: count))
    }

    /// Packs `bits`, element i becoming bit i.
    public init(_ bits: [Bool]) {
        self.init(count: bits.count)
        for (i, bit) in bits.enumerated() where bit {
            bytes[i >> 3] |= 1 << UInt8(i & 7)
        }
    }

    /// Decodes `count` bits from packed bytes.
    ///
    /// - Throws: ``BitVectorError`` when the byte count is not ⌈count / 8⌉ or a padding bit is set.
    public init(bytes: [UInt8], count: Int) throws(BitVectorError) {
        guard count >= 0 else { throw .negativeCount(count) }
        let expected = Self.byteCount(for: count)
        guard bytes.count == expected else {
            throw .lengthMismatch(count: count, expectedBytes: expected, actualBytes: bytes.count)
        }
        let usedBits = count & 7
        if usedBits != 0, let last = bytes.last, last >> UInt8(usedBits) != 0 {
            throw .nonzeroPadding(count: count, byteOffset: expected - 1, byte: last)
        }
        self.count = count
        self.bytes = bytes
    }

    /// Decodes `count` bits from packed `data`; see ``init(bytes:count:)``.
    ///
    /// - Throws: ``BitVectorError`` when the byte count is not ⌈count / 8⌉ or a padding bit is set.
    public init(data: Data, count: Int) throws(BitVectorError) {
        try self.init(bytes: [UInt8](data), count: count)
    }

    /// The packed bytes as `Data`.
    public var data: Data { Data(bytes) }

    /// The number of set bits.
    public var popcount: Int {
        bytes.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// ⌈count / 8⌉: the number of bytes that hold `count` bits.
    public static func byteCount(for count: Int) -> Int {
        (count + 7) >> 3
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// Bit `index`.
    public subscript(index: Int) -> Bool {
        get {
            precondition(index >= 0 && index < count, "bit index \(index) out of range 0..<\(count)")
            return bytes[index >> 3] >> UInt8(index & 7) & 1 == 1
        }
        set {
            precondition(index >= 0 && index < count, "bit index \(index) out of range 0..<\(count)")
            let mask: UInt8 = 1 << UInt8(index & 7)
            if newValue { bytes[index >> 3] |= mask } else { bytes[index >> 3] &= ~mask }
        }
    }

    /// Writes `target[k]` = bit `indices[k]` (0 or 1) for every k: how 0/1 rows for a GEMM are unpacked
    /// from a subset of the bits (branch-free: random bits would defeat a branch predictor).
    ///
    /// - Precondition: every index lies in `0..<count`.
    public func unpack(at indices: [Int], into target: UnsafeMutablePointer<Float>) {
        bytes.withUnsafeBufferPointer { packed in
            indices.withUnsafeBufferPointer { positions in
                for k in 0..<positions.count {
                    let index = positions[k]
                    target[k] = Float((packed[index >> 3] >> UInt8(index & 7)) & 1)
                }
            }
        }
    }

    /// Adds bit i (0 or 1) to `counts[i]` for every i < `count`: per-example counting over runs, eight
    /// bits at a time.
    public func addBits(into counts: UnsafeMutablePointer<Int>) {
        Self.addBits(of: bytes, count: count, into: counts)
    }

    /// The bitwise AND of two vectors of the same length.
    public static func & (left: BitVector, right: BitVector) -> BitVector {
        precondition(left.count == right.count, "AND of bit vectors of lengths \(left.count) and \(right.count)")
        var result = left
        for i in result.bytes.indices { result.bytes[i] &= right.bytes[i] }
        return result
    }

    /// The eight 0/1 lanes of every byte value, bit 0 first.
    private static let lanes: [SIMD8<Int>] = (0..<256).map { byte in
        SIMD8<Int>((0..<8).map { (byte >> $0) & 1 })
    }

    private static func addBits(of bytes: [UInt8], count: Int, into counts: UnsafeMutablePointer<Int>) {
        let whole = count >> 3
        bytes.withUnsafeBufferPointer { packed in
            lanes.withUnsafeBufferPointer { lanes in
                for byte in 0..<whole {
                    let target = UnsafeMutableRawPointer(counts + (byte << 3))
                    let sum = target.loadUnaligned(as: SIMD8<Int>.self) &+ lanes[Int(packed[byte])]
                    target.storeBytes(of: sum, as: SIMD8<Int>.self)
                }
                for i in (whole << 3)..<count {
                    counts[i] &+= Int((packed[i >> 3] >> UInt8(i & 7)) & 1)
                }
            }
        }
    }

    /// The bits as a string of `0` and `1` in example order.
    public var description: String {
        String(map { $0 ? "1" : "0" })
    }
}

/// Why packed bytes could not be decoded as a ``BitVector``.
public enum BitVectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The requested bit count is negative.
    case negativeCount(Int)
    /// The byte buffer is not ⌈count / 8⌉ long.
    case lengthMismatch(count: Int, expectedBytes: Int, actualBytes: Int)
    /// A padding bit above `count` is set in the last byte, at `byteOffset`.
    case nonzeroPadding(count: Int, byteOffset: Int, byte: UInt8)

    public var description: String {
        switch self {
        case .negativeCount(let count):
            "bit vector: count \(count) is negative"
        case .lengthMismatch(let count, let expected, let actual):
            "bit vector of \(count) bits: expected \(expected) bytes, got \(actual)"
        case .nonzeroPadding(let count, let offset, let byte):
            "bit vector of \(count) bits: padding bits set in byte \(offset) (0x\(String(byte, radix: 16)))"
        }
    }
}
