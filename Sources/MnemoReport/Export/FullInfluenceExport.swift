import Foundation
import MnemoAnalysis
import MnemoCore
import MnemoData
import MnemoLinalg
import MnemoStore

/// `export --full-influence`: the influence of every training example on every test example of a trial,
/// `influence_full.npy` (n × t, float32, example order, NaN where the training example was in every run
/// or in none), written in blocks of rows so that the dense matrix is never in memory.
///
/// The runs' bits stay packed (runs × (n + t) / 8 bytes); for each block of training examples the
/// influence sums `M[:, rows]ᵀ · C` are accumulated by `sgemm` over chunks of runs, turned into
/// estimates and appended to the file. Memory: the packed bits, one block of sums (rows × t floats)
/// and one chunk's unpacked rows.
public enum FullInfluenceExport {
    /// Writes trial `trialIndex`'s full influence matrix to `url`.
    ///
    /// - Parameters:
    ///   - rowsPerBlock: training examples per block of the file (memory: rows × t floats).
    ///   - runsPerChunk: runs unpacked at a time.
    ///   - progress: told `(rows written, rows)` after each block.
    /// - Throws: ``AnalysisError`` when the trial is missing or has no run, a stored result does not fit
    ///   the data, or `NpzError` when the file cannot be written.
    public static func write(
        store: Store, sweepName: String?, trialIndex: Int, to url: URL, rowsPerBlock: Int = 2048, runsPerChunk: Int = 256,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws {
        precondition(rowsPerBlock > 0 && runsPerChunk > 0, "blocks and chunks must be positive")
        let stored = try StoredTrial.load(store: store, sweepName: sweepName, trialIndex: trialIndex)
        let n = stored.dataset.trainLabels.count
        let t = stored.dataset.testLabels.count
        var membership: [BitVector] = []
        var correct: [BitVector] = []
        try store.forEachResult(sweepID: stored.record.id, trialIndex: trialIndex) { row in
            membership.append(stored.sweep.membership(subset: row.subsetIndex, count: n))
            correct.append(try BitVector(data: row.testBits, count: t))
        }
        guard !membership.isEmpty else { throw AnalysisError("trial \(trialIndex) of sweep \(stored.record.id) has no finished run yet") }
        let runs = membership.count
        guard runs <= InfluenceAccumulator.maximumRuns else {
            throw AnalysisError("trial \(trialIndex) has \(runs) runs: float32 sums count at most \(InfluenceAccumulator.maximumRuns) exactly")
        }
        guard n > 0, t > 0 else { throw AnalysisError("trial \(trialIndex) has no training or no test examples: no matrix to write") }
        var inCounts = [Int](repeating: 0, count: n)
        var correctCounts = [Int](repeating: 0, count: t)
        inCounts.withUnsafeMutableBufferPointer { counts in membership.forEach { $0.addBits(into: counts.baseAddress!) } }
        correctCounts.withUnsafeMutableBufferPointer { counts in correct.forEach { $0.addBits(into: counts.baseAddress!) } }

        FileManager.default.createFile(atPath: url.path, contents: NpyArray.header(dtype: .float32, shape: [n, t]))
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        let testIndices = Array(0..<t)
        for first in stride(from: 0, to: n, by: rowsPerBlock) {
            let rows = Array(first..<min(n, first + rowsPerBlock))
            var sums = [Float](repeating: 0, count: rows.count * t)
            for chunkStart in stride(from: 0, to: runs, by: runsPerChunk) {
                let chunk = chunkStart..<min(runs, chunkStart + runsPerChunk)
                var m = [Float](unsafeUninitializedCapacity: chunk.count * rows.count) { $1 = $0.count }
                var c = [Float](unsafeUninitializedCapacity: chunk.count * t) { $1 = $0.count }
                m.withUnsafeMutableBufferPointer { m in
                    c.withUnsafeMutableBufferPointer { c in
                        for (r, run) in chunk.enumerated() {
                            membership[run].unpack(at: rows, into: m.baseAddress! + r * rows.count)
                            correct[run].unpack(at: testIndices, into: c.baseAddress! + r * t)
                        }
                        sums.withUnsafeMutableBufferPointer { s in
                            BLAS.sgemm(
                                .transposed, .none, m: rows.count, n: t, k: chunk.count, a: m.baseAddress!, lda: rows.count,
                                b: c.baseAddress!, ldb: t, beta: 1, c: s.baseAddress!, ldc: t)
                        }
                    }
                }
            }
            // The sums become the estimates in place, then go to the file as they are (`<f4`).
            for (p, i) in rows.enumerated() {
                let inCount = Double(inCounts[i])
                let outCount = Double(runs - inCounts[i])
                for j in 0..<t {
                    let inCorrect = Double(sums[p * t + j])
                    sums[p * t + j] = Float(
                        FeldmanZhang.estimate(
                            inCorrect: inCorrect, inCount: inCount, outCorrect: Double(correctCounts[j]) - inCorrect,
                            outCount: outCount)
                    ).littleEndianBits
                }
            }
            try sums.withUnsafeBytes { try handle.write(contentsOf: $0) }
            progress(rows.last! + 1, n)
        }
    }
}

extension Float {
    /// The value whose in-memory bits are this value's little-endian bits (the `.npy` `<f4` layout).
    fileprivate var littleEndianBits: Float { Float(bitPattern: bitPattern.littleEndian) }
}
