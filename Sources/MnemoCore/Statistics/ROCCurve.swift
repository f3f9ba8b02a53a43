/// The ROC curve of a score that should rank positives above negatives: one point per distinct score,
/// from (0, 0) (nothing predicted positive) to (1, 1) (everything), for the rule "positive when the
/// score is at least the threshold".
///
/// ```swift
/// let curve = ROCCurve(scores: scores, labels: isMember)
/// curve.truePositiveRate(atFalsePositiveRate: 0.001)  // TPR at 0.1% FPR
/// ```
///
/// With N negatives the false-positive rate moves in steps of 1/N: below 1/N, a TPR "at FPR f" is the
/// TPR at no false positive at all, so TPR at 0.1% FPR means something only from 1,000 negatives on.
public struct ROCCurve: Sendable, Equatable {
    /// False-positive rates, ascending, from 0 to 1.
    public let falsePositiveRates: [Double]
    /// True-positive rates, ascending, from 0 to 1, one per false-positive rate.
    public let truePositiveRates: [Double]
    /// The score thresholds of the points: the first is +∞ (nothing positive), then each distinct score,
    /// descending.
    public let thresholds: [Double]
    /// Number of positives and of negatives the curve was drawn from.
    public let positiveCount: Int
    public let negativeCount: Int

    /// The curve of `scores` for the examples whose `labels` are true (positives) against the others.
    /// Scores must not be NaN; rates are NaN when either group is empty.
    public init(scores: [Double], labels: [Bool]) {
        precondition(scores.count == labels.count, "one label per score")
        precondition(!scores.contains { $0.isNaN }, "ROC scores must not be NaN")
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let positives = labels.count { $0 }
        let negatives = labels.count - positives
        var fpr: [Double] = [0]
        var tpr: [Double] = [0]
        var thresholds: [Double] = [.infinity]
        var truePositives = 0
        var falsePositives = 0
        var start = 0
        while start < order.count {
            let threshold = scores[order[start]]
            var end = start
            while end < order.count && scores[order[end]] == threshold {
                if labels[order[end]] { truePositives += 1 } else { falsePositives += 1 }
                end += 1
            }
            fpr.append(Double(falsePositives) / Double(negatives))
            tpr.append(Double(truePositives) / Double(positives))
            thresholds.append(threshold)
            start = end
        }
        falsePositiveRates = negatives > 0 ? fpr : fpr.map { _ in .nan }
        truePositiveRates = positives > 0 ? tpr : tpr.map { _ in .nan }
        self.thresholds = thresholds
        positiveCount = positives
        negativeCount = negatives
    }

    /// The largest true-positive rate among the points whose false-positive rate is at most `maximum`
    /// (Carlini et al. 2022's "TPR at low FPR"); NaN when either group is empty.
    public func truePositiveRate(atFalsePositiveRate maximum: Double) -> Double {
        guard positiveCount > 0, negativeCount > 0 else { return .nan }
        // Compare counts, not rates: 0.01 · 300 false positives must allow exactly 3.
        let allowed = (maximum * Double(negativeCount) + 1e-9).rounded(.down)
        var best = 0.0
        for (fpr, tpr) in zip(falsePositiveRates, truePositiveRates) where fpr * Double(negativeCount) <= allowed + 1e-9 {
            best = max(best, tpr)
        }
        return best
    }

    /// The area under the curve by the trapezoid rule, which equals ``ROC/auc(positives:negatives:)``
    /// (ties count one half); NaN when either group is empty.
    public var area: Double {
        guard positiveCount > 0, negativeCount > 0 else { return .nan }
        var total = 0.0
        for i in 1..<falsePositiveRates.count {
            total += (falsePositiveRates[i] - falsePositiveRates[i - 1]) * (truePositiveRates[i] + truePositiveRates[i - 1]) / 2
        }
        return total
    }
}
