import Foundation
import MnemoCore
import MnemoLinalg
import MnemoTestSupport
import Testing

/// Recomputes mem and the full influence matrix with NumPy from the same 0/1 matrices.
@Suite struct NumPyCrossCheckTests {
    static let script = """
        import sys, numpy as np
        d = sys.argv[1]
        m = np.loadtxt(d + "/m.txt", ndmin=2); mc = np.loadtxt(d + "/mc.txt", ndmin=2)
        c = np.loadtxt(d + "/c.txt", ndmin=2)
        runs = m.shape[0]
        n_in = m.sum(0); n_out = runs - n_in
        in_sum = m.T @ c
        infl = in_sum / n_in[:, None] - (c.sum(0)[None, :] - in_sum) / n_out[:, None]
        mem = (m * mc).sum(0) / n_in - ((1 - m) * mc).sum(0) / n_out
        infl.astype("<f8").tofile(d + "/infl.bin"); mem.astype("<f8").tofile(d + "/mem.bin")
        """

    @Test(.enabled(if: NumPy.isAvailable, "NumPy is not installed"))
    func fullInfluenceAndMemorizationMatchNumPy() throws {
        let trial = RandomTrial(seed: 41, trainCount: 37, testCount: 13, classCount: 3, runCount: 25)
        var accumulator = try trial.accumulator(fullInfluence: true)
        try accumulator.add(trial.runs)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mnemo-numpy-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ rows: [BitVector], to name: String) throws {
            let text = rows.map { row in row.map { $0 ? "1" : "0" }.joined(separator: " ") }.joined(separator: "\n")
            try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write(trial.runs.map(\.membership), to: "m.txt")
        try write(trial.runs.map(\.trainCorrect), to: "mc.txt")
        try write(trial.runs.map(\.testCorrect), to: "c.txt")
        try NumPy.run(Self.script, arguments: [directory.path])

        func read(_ name: String) throws -> [Double] {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            return data.withUnsafeBytes { raw in
                (0..<data.count / 8).map {
                    Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)))
                }
            }
        }
        let numpyInfluence = try read("infl.bin")
        let numpyMemorization = try read("mem.bin")
        let full = try #require(accumulator.fullInfluenceMatrix())
        #expect(numpyInfluence.count == 37 * 13)
        for (ours, theirs) in zip(full.values.storage, numpyInfluence) {
            #expect(identical(ours, theirs) || abs(ours - theirs) < 1e-12)
        }
        for (ours, theirs) in zip(accumulator.memorization().values, numpyMemorization) {
            #expect(identical(ours, theirs) || abs(ours - theirs) < 1e-12)
        }
    }
}
