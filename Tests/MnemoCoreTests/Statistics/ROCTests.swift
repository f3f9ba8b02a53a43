import MnemoCore
import Testing

@Suite struct ROCTests {
    @Test func aucEqualsPairwiseCountWithTies() {
        var rng = CounterRNG(key: 31, stream: 1)
        // Integer scores in 0..<6 make many ties.
        let positives = (0..<57).map { _ in Double(rng.nextIndex(below: 6)) + 1 }
        let negatives = (0..<83).map { _ in Double(rng.nextIndex(below: 6)) }
        var wins = 0.0
        for p in positives {
            for n in negatives {
                wins += p > n ? 1 : p == n ? 0.5 : 0
            }
        }
        let expected = wins / Double(positives.count * negatives.count)
        #expect(abs(ROC.auc(positives: positives, negatives: negatives) - expected) < 1e-12)
        let labels = [Bool](repeating: true, count: 57) + [Bool](repeating: false, count: 83)
        #expect(abs(ROC.auc(scores: positives + negatives, labels: labels) - expected) < 1e-12)
    }

    @Test func aucExtremesAndUndefinedCases() {
        #expect(ROC.auc(positives: [3, 4], negatives: [1, 2]) == 1)
        #expect(ROC.auc(positives: [1, 2], negatives: [3, 4]) == 0)
        #expect(ROC.auc(positives: [1, 1], negatives: [1]) == 0.5)
        #expect(ROC.auc(positives: [2, .nan], negatives: [1, .nan]) == 1)
        #expect(ROC.auc(positives: [], negatives: [1]).isNaN)
    }

    @Test func descriptiveStatistics() {
        let sample = [2.0, 4, 4, 4, 5, 5, 7, 9]
        #expect(Descriptive.mean(sample) == 5)
        #expect(Descriptive.standardDeviation(sample) == 2)
        #expect(abs(Descriptive.standardDeviation(sample, ddof: 1) - (32.0 / 7).squareRoot()) < 1e-15)
        #expect(Descriptive.mean([Double]()).isNaN)
        // Linear interpolation: position 0.3 · 7 = 2.1 → 4 + 0.1 · (4 − 4) = 4; 0.9 · 7 = 6.3 → 7 + 0.3 · 2.
        #expect(Descriptive.quantile(sorted: sample, 0.3) == 4)
        #expect(abs(Descriptive.quantile(sorted: sample, 0.9) - 7.6) < 1e-12)
        #expect(Descriptive.quantile(sorted: sample, 1) == 9)
    }
}
