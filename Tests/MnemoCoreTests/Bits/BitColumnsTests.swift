import MnemoCore
import Testing

/// `BitColumns` against the bits themselves: every regrouped bit, and every coincidence count, checked
/// one by one on random vectors of awkward lengths (not multiples of 8 or 64).
@Suite struct BitColumnsTests {
    static func randomVectors(runs: Int, count: Int, stream: UInt64) -> [BitVector] {
        var rng = CounterRNG(key: 77, stream: stream)
        return (0..<runs).map { _ in BitVector((0..<count).map { _ in rng.next() & 1 == 1 }) }
    }

    @Test(arguments: [(1, 1), (63, 65), (64, 64), (130, 200), (257, 71)])
    func everyBitLandsAtItsExampleAndRun(runs: Int, count: Int) {
        let vectors = Self.randomVectors(runs: runs, count: count, stream: UInt64(runs * 1000 + count))
        let columns = BitColumns(vectors, count: count)
        #expect(columns.words == (runs + 63) / 64 && columns.storage.count == count * columns.words)
        var wrong = 0
        for example in 0..<count {
            for word in 0..<columns.words {
                var expected: UInt64 = 0
                for bit in 0..<64 where word * 64 + bit < runs && vectors[word * 64 + bit][example] {
                    expected |= 1 << UInt64(bit)
                }
                if columns.storage[example * columns.words + word] != expected { wrong += 1 }
            }
        }
        #expect(wrong == 0, "\(wrong) words differ")
    }

    @Test func coincidencesCountTheRunsWhereBothBitsAreSet() {
        let runs = 150
        let a = Self.randomVectors(runs: runs, count: 90, stream: 1)
        let b = Self.randomVectors(runs: runs, count: 40, stream: 2)
        let rows = [3, 89, 0, 17, 17]
        let columns = [39, 0, 5]
        var sums = [Float](repeating: 1, count: rows.count * columns.count)
        BitColumns.addCoincidences(
            rows: rows, of: BitColumns(a, count: 90), columns: columns, of: BitColumns(b, count: 40), into: &sums)
        for (p, row) in rows.enumerated() {
            for (q, column) in columns.enumerated() {
                let both = (0..<runs).filter { a[$0][row] && b[$0][column] }.count
                #expect(sums[p * columns.count + q] == Float(both + 1), "row \(row), column \(column)")
            }
        }
    }
}
