import Foundation
import MnemoCore
import MnemoLinalg
import Testing

@Suite struct InfluenceEntropyTests {
    @Test func uniformInfluenceHasMaximumEntropy() {
        for count in [1, 2, 5, 500] {
            let entropy = InfluenceEntropy.entropy(of: [Double](repeating: 0.3, count: count))
            #expect(abs(entropy - log(Double(count))) < 1e-12, "N_c = \(count)")
        }
    }

    @Test func singleNonzeroInfluenceHasZeroEntropy() {
        var influences = [Double](repeating: 0, count: 50)
        influences[17] = -0.8
        #expect(InfluenceEntropy.entropy(of: influences) == 0)
    }

    @Test func usesMagnitudesAndIgnoresUndefinedEntries() {
        // |S| = [1, 1, 2] → p = [1/4, 1/4, 1/2]: −(2 · 1/4 · ln 1/4 + 1/2 · ln 1/2) = 1.5 ln 2
        let entropy = InfluenceEntropy.entropy(of: [1, .nan, -1, 2])
        #expect(abs(entropy - 1.5 * log(2)) < 1e-15)
    }

    @Test func allZeroIsMaximalAndFlagged() {
        let entropy = InfluenceEntropy(influences: [[0, 0, 0, 0], [0, .nan, 0, 0], [0, 0.1, 0, 0], []])
        #expect(entropy.isAllZero == [true, true, false, true])
        #expect(entropy.values == [log(4), log(4), 0, 0])
        #expect(entropy.maxima == [log(4), log(4), log(4), 0])
    }

    /// Seven test examples of one class with N_c = 4, so ln N_c = 1.386 and the default bucket-4 threshold
    /// is ln 4 − 0.1 = 1.286.
    static let constructed: [[Double]] = [
        [0, 0, 0, 0],  // j0: all zero → bucket 5
        [1, 1, 1, 1],  // j1: ln 4 = 1.386 > 1.286 → bucket 4
        [1, 0, 0, 0],  // j2: 0
        [1, -1, 0, 0],  // j3: ln 2 = 0.693
        [1, 1, 1, 0],  // j4: ln 3 = 1.099
        [2, 1, 1, 0],  // j5: p = ½, ¼, ¼ → 1.5 ln 2 = 1.040
        [0, 0, 0.5, 0.5],  // j6: ln 2 = 0.693
    ]

    @Test func rawBucketsFollowThePaperScheme() {
        let entropy = RawInfluenceEntropy(influences: Self.constructed)
        // Rest (j2…j6): 0, 0.693, 1.099, 1.040, 0.693; μ = 3.525 / 5 = 0.705;
        // deviations −0.705, −0.012, 0.394, 0.335, −0.012 → σ² = 0.764 / 5 = 0.153, σ = 0.391;
        // k = 0.5: μ − kσ = 0.509, μ + kσ = 0.900 → j2: 1, j3: 2, j4: 3, j5: 3, j6: 2.
        #expect(entropy.buckets() == [5, 4, 1, 2, 3, 3, 2])
        // Absolute threshold 1.0 moves j4 and j5 to bucket 4 too. Rest 0, 0.693, 0.693: μ = 0.462,
        // σ = 0.327, μ ± σ/2 = 0.299, 0.625 → j2: 1, j3: 3, j6: 3.
        #expect(entropy.buckets(threshold: .absolute(1.0)) == [5, 4, 1, 3, 4, 4, 3])
        // k = 2 widens bucket 2 over the whole rest (μ ± 2σ = −0.077, 1.487).
        #expect(entropy.buckets(k: 2) == [5, 4, 2, 2, 2, 2, 2])
    }

    @Test func thresholdedEntropyZeroesInsignificantInfluenceAndUsesQuartiles() {
        let influences: [[Double]] = [
            [0.5, 0.1, 0.1, -0.1],  // 0.1 < 2 · 0.1: only 0.5 survives → entropy 0
            [0.5, 0.5, 0.1, 0],  // → [0.5, 0.5, 0, 0]: ln 2
            [0.3, 0.3, 0.3, 0],  // ln 3
            [0.4, -0.4, 0.4, 0.4],  // ln 4
            [0.9, 0, 0, 0],  // 0
            [0.1, -0.1, 0.15, 0],  // nothing significant → bucket 5
        ]
        let errors = [[Double]](repeating: [0.1, 0.1, 0.1, 0.1], count: influences.count)
        let entropy = ThresholdedInfluenceEntropy(influences: influences, standardErrors: errors, z: 2)
        #expect(entropy.entropy.isAllZero == [false, false, false, false, false, true])
        #expect(entropy.entropy.values[0] == 0)
        // Significant entropies sorted: 0, 0, ln 2, ln 3, ln 4; linear quantiles at positions
        // 0.25 · 4 = 1 → 0, 0.5 · 4 = 2 → ln 2, 0.75 · 4 = 3 → ln 3; a value equal to a cut stays below it.
        #expect(entropy.buckets() == [1, 2, 3, 4, 1, 5])
        // One cut at the median: 0, 0, ln 2 → 1; ln 3, ln 4 → 2; nothing significant → 3.
        #expect(entropy.buckets(quantiles: [0.5]) == [1, 1, 2, 2, 1, 3])
        // The raw scheme on the same influences sees no all-zero example.
        #expect(RawInfluenceEntropy(influences: influences).entropy.isAllZero.allSatisfy { !$0 })
    }

    @Test func accumulatorEntropiesUseEachTestExamplesClassBlock() throws {
        let trial = RandomTrial(seed: 21, trainCount: 45, testCount: 19, classCount: 3, runCount: 30)
        var accumulator = try trial.accumulator()
        try accumulator.add(trial.runs)
        let naive = NaiveEstimates(runs: trial.runs, trainCount: 45, testCount: 19)
        let sameClass = (0..<19).map { j in (0..<45).filter { trial.trainLabels[$0] == trial.testLabels[j] } }
        let influences = (0..<19).map { j in sameClass[j].map { naive.infl[$0][j] } }
        let errors = (0..<19).map { j in sameClass[j].map { naive.inflSE[$0][j] } }
        #expect(RawInfluenceEntropy(accumulator) == RawInfluenceEntropy(influences: influences))
        #expect(
            ThresholdedInfluenceEntropy(accumulator, z: 1.5)
                == ThresholdedInfluenceEntropy(influences: influences, standardErrors: errors, z: 1.5))
    }
}
