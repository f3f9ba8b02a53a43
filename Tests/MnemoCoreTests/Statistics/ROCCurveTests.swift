import MnemoCore
import Testing

/// The ROC curve and its TPR at low FPR on cases whose answer is known by construction.
@Suite struct ROCCurveTests {
    @Test func perfectlySeparatedAndReversedScores() {
        let labels = [Bool](repeating: true, count: 50) + [Bool](repeating: false, count: 50)
        let separated = ROCCurve(scores: (0..<100).map { Double(100 - $0) }, labels: labels)
        #expect(separated.area == 1)
        #expect(separated.truePositiveRate(atFalsePositiveRate: 0.001) == 1)
        let reversed = ROCCurve(scores: (0..<100).map(Double.init), labels: labels)
        #expect(reversed.area == 0)
        #expect(reversed.truePositiveRate(atFalsePositiveRate: 0.01) == 0)
        #expect(separated.falsePositiveRates.first == 0 && separated.falsePositiveRates.last == 1)
        #expect(separated.truePositiveRates.last == 1)
    }

    /// 1,000 negatives scored 0…999; 5 positives above them all, 5 just below the top negative, 10 in
    /// the middle. At most one false positive (0.1%) admits the first ten positives; at most ten (1%)
    /// admits no more. AUC = (5 · 1000 + 5 · 999 + 10 · 501) / (20 · 1000) by counting pairs.
    @Test func tprAtLowFPRAndAreaOnAConstructedCase() {
        let negatives = (0..<1000).map(Double.init)
        let positives = [Double](repeating: 2000, count: 5) + [Double](repeating: 998.5, count: 5)
            + [Double](repeating: 500.5, count: 10)
        let curve = ROCCurve(
            scores: positives + negatives, labels: positives.map { _ in true } + negatives.map { _ in false })
        #expect(curve.truePositiveRate(atFalsePositiveRate: 0.001) == 0.5)
        #expect(curve.truePositiveRate(atFalsePositiveRate: 0.01) == 0.5)
        #expect(curve.truePositiveRate(atFalsePositiveRate: 0.0009) == 0.25)
        #expect(curve.truePositiveRate(atFalsePositiveRate: 0.5) == 1)
        let expected = Double(5 * 1000 + 5 * 999 + 10 * 501) / Double(20 * 1000)
        #expect(abs(curve.area - expected) < 1e-12)
        #expect(abs(ROC.auc(positives: positives, negatives: negatives) - expected) < 1e-12)
    }

    /// Ties count one half, as in the Mann–Whitney AUC.
    @Test func tiesMatchTheMannWhitneyArea() {
        var rng = CounterRNG(key: 5, stream: 9)
        let scores = (0..<300).map { _ in Double(rng.nextIndex(below: 7)) }
        let labels = (0..<300).map { _ in rng.nextIndex(below: 3) == 0 }
        let curve = ROCCurve(scores: scores, labels: labels)
        #expect(abs(curve.area - ROC.auc(scores: scores, labels: labels)) < 1e-12)
    }

    /// Positives and negatives from the same distribution: AUC within 4 standard errors of 0.5
    /// (SE = √((P + N + 1) / (12 P N)) ≈ 0.0029 for 20,000 each) and TPR at 1% FPR near 0.01.
    @Test func identicalDistributionsGiveChance() {
        var rng = CounterRNG(key: 77, stream: 1)
        let count = 20_000
        let scores = (0..<2 * count).map { _ in rng.nextUnitDouble() }
        let labels = (0..<2 * count).map { $0 < count }
        let curve = ROCCurve(scores: scores, labels: labels)
        let se = (Double(2 * count + 1) / (12 * Double(count) * Double(count))).squareRoot()
        #expect(abs(curve.area - 0.5) < 4 * se, "AUC \(curve.area), SE \(se)")
        // TPR at FPR f of independent scores is a binomial proportion around f: 4 SEs of 200 draws.
        let tpr = curve.truePositiveRate(atFalsePositiveRate: 0.01)
        #expect(abs(tpr - 0.01) < 4 * (0.01 * 0.99 / Double(count)).squareRoot() + 0.001, "TPR@1% \(tpr)")
    }

    @Test func emptyGroupsGiveNaN() {
        let curve = ROCCurve(scores: [1, 2], labels: [true, true])
        #expect(curve.area.isNaN && curve.truePositiveRate(atFalsePositiveRate: 0.01).isNaN)
    }
}
