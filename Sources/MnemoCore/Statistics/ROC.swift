/// Area under the ROC curve of a score that should rank positives above negatives.
public enum ROC {
    /// The ROC AUC by the Mann–Whitney U statistic: the probability that a random positive scores above a
    /// random negative, ties counting one half. Ties are handled with mid-ranks; NaN scores are left out
    /// (e.g. memorization of an example that was in every run). NaN when either group is empty.
    ///
    /// ```swift
    /// let auc = ROC.auc(positives: memOfFlipped, negatives: memOfClean)
    /// ```
    public static func auc(positives: [Double], negatives: [Double]) -> Double {
        let scored =
            positives.filter { !$0.isNaN }.map { ($0, true) } + negatives.filter { !$0.isNaN }.map { ($0, false) }
        let positiveCount = scored.count { $0.1 }
        let negativeCount = scored.count - positiveCount
        guard positiveCount > 0, negativeCount > 0 else { return .nan }
        let ranked = scored.sorted { $0.0 < $1.0 }
        var positiveRankSum = 0.0
        var start = 0
        while start < ranked.count {
            var end = start + 1
            while end < ranked.count && ranked[end].0 == ranked[start].0 { end += 1 }
            // Ranks start..<end (1-based start+1 ... end) share their mean.
            let midRank = Double(start + 1 + end) / 2
            positiveRankSum += midRank * Double(ranked[start..<end].count { $0.1 })
            start = end
        }
        let u = positiveRankSum - Double(positiveCount) * Double(positiveCount + 1) / 2
        return u / (Double(positiveCount) * Double(negativeCount))
    }

    /// The ROC AUC of `scores` for the examples whose `labels` are true against those whose labels are false;
    /// see ``auc(positives:negatives:)``.
    public static func auc(scores: [Double], labels: [Bool]) -> Double {
        precondition(scores.count == labels.count, "one label per score")
        let positives = zip(scores, labels).filter { $0.1 }.map(\.0)
        let negatives = zip(scores, labels).filter { !$0.1 }.map(\.0)
        return auc(positives: positives, negatives: negatives)
    }
}
