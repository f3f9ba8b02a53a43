/// The bits of a block of runs regrouped by example: for each of `count` examples, its bit in every
/// run of the block, packed 64 runs to a word (run r at bit r % 64 of word r / 64; the unused high bits
/// of the last word zero). Built from the runs' ``BitVector``s by 64 × 64 bit-matrix transposes.
///
/// With two such blocks over the same runs, `Σ_r A[r][i] · B[r][j]` — the number of runs in which both
/// example i of A and example j of B have their bit set — is the popcount of the AND of two rows
/// (``addCoincidences(rows:of:columns:of:into:)``): the Feldman–Zhang sums `Mᵀ·C` without unpacking a
/// bit into a float.
///
/// ```swift
/// let members = BitColumns(block.map(\.membership), count: n)
/// let correct = BitColumns(block.map(\.testCorrect), count: t)
/// BitColumns.addCoincidences(rows: trainOfClass, of: members, columns: testOfClass, of: correct, into: sums)
/// ```
public struct BitColumns: Sendable {
    /// The number of examples (rows).
    public let count: Int
    /// Words per example: ⌈runs / 64⌉.
    public let words: Int
    /// `count × words`, example-major.
    public private(set) var storage: [UInt64]

    /// Regroups `vectors` (one per run, each of `count` bits) by example.
    public init(_ vectors: [BitVector], count: Int) {
        precondition(vectors.allSatisfy { $0.count == count }, "every run's bits must number \(count)")
        self.count = count
        words = (vectors.count + 63) >> 6
        storage = [UInt64](repeating: 0, count: count * words)
        let exampleWords = (count + 63) >> 6
        var square = [UInt64](repeating: 0, count: 64)
        storage.withUnsafeMutableBufferPointer { target in
            square.withUnsafeMutableBufferPointer { square in
                for group in 0..<words {
                    let runs = vectors[(group << 6)..<min(vectors.count, (group + 1) << 6)]
                    for word in 0..<exampleWords {
                        // Row r: run (64·group + r)'s bits of examples 64·word ..< 64·word + 64.
                        for (r, run) in runs.enumerated() { square[r] = Self.word(word, of: run.bytes) }
                        for r in runs.count..<64 { square[r] = 0 }
                        Self.transpose(square.baseAddress!)
                        // Row k now holds example (64·word + k)'s bits over the group's runs.
                        for k in 0..<min(64, count - (word << 6)) {
                            target[((word << 6) + k) * words + group] = square[k]
                        }
                    }
                }
            }
        }
    }

    /// Bits `64·index ..< 64·index + 64` of packed bytes, as one little-endian word (zero past the end).
    private static func word(_ index: Int, of bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { raw in
            let start = index << 3
            if start + 8 <= raw.count { return UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt64.self)) }
            var value: UInt64 = 0
            for byte in start..<raw.count { value |= UInt64(raw[byte]) << UInt64((byte - start) << 3) }
            return value
        }
    }

    /// Transposes a 64 × 64 bit matrix in place: bit c of row r moves to bit r of row c (bits counted
    /// from the least significant). Six rounds, each swapping the off-diagonal halves of every block
    /// (Hacker's Delight, §7–3).
    static func transpose(_ rows: UnsafeMutablePointer<UInt64>) {
        var width = 32
        var mask: UInt64 = 0x0000_0000_FFFF_FFFF
        while width != 0 {
            var k = 0
            while k < 64 {
                // Rows k (this half) and k + width (the other): swap the high `width` bits of k's
                // columns with the low ones of k + width's.
                let swap = ((rows[k] >> UInt64(width)) ^ rows[k + width]) & mask
                rows[k + width] ^= swap
                rows[k] ^= swap << UInt64(width)
                k = ((k | width) + 1) & ~width
            }
            width >>= 1
            mask ^= mask << UInt64(width)
        }
    }

    /// Adds to `sums[p · columns.count + q]` the number of runs in which example `rows[p]` of `a` and
    /// example `columns[q]` of `b` both have their bit set. Exact while every sum stays below 2²⁴.
    ///
    /// - Precondition: `a` and `b` hold the same runs; indices within their counts.
    public static func addCoincidences(
        rows: [Int], of a: BitColumns, columns: [Int], of b: BitColumns, into sums: UnsafeMutablePointer<Float>
    ) {
        precondition(a.words == b.words, "blocks of different runs")
        let words = a.words
        a.storage.withUnsafeBufferPointer { left in
            b.storage.withUnsafeBufferPointer { right in
                for (p, row) in rows.enumerated() {
                    let x = left.baseAddress! + row * words
                    let target = sums + p * columns.count
                    for (q, column) in columns.enumerated() {
                        let y = right.baseAddress! + column * words
                        var total = 0
                        for w in 0..<words { total &+= (x[w] & y[w]).nonzeroBitCount }
                        target[q] += Float(total)
                    }
                }
            }
        }
    }
}
