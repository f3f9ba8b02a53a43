import Foundation
import MnemoAnalysis
import MnemoCore
import MnemoStore

/// `mnemo scores`: the headline, the most memorized train examples, the top same-class influence
/// pairs, and the influence-entropy bucket counts of one trial.
public enum ScoresReport {
    /// - Parameters:
    ///   - analysis: the trial's estimates, aggregated from `store` or copied from the coordinator serving it.
    ///   - maximumSE: estimates with a larger standard error are left out of the top lists.
    public static func text(
        analysis: TrialAnalysis, store: Store, top: Int, maximumSE: Double = TrialScores.defaultMaximumSE
    ) throws -> String {
        let (scores, summary) = try TrialSummary.load(store: store, analysis: analysis)
        let trialIndex = analysis.trial.trialIndex
        let dataset = scores.analysis.dataset
        let flipped = Set(dataset.flippedIndices)
        let memorized = scores.topMemorized(top, maximumSE: maximumSE)
        let threshold = "SE ≤ \(maximumSE)"
        var lines = [
            summary.headline, "",
            "most memorized training examples (\(threshold)" + leftOutNote(memorized) + "):",
        ]
        lines.append(Table.render(
            header: ["index", "label", "flipped", "mem", "se"],
            rows: memorized.entries.map { entry in
                [
                    "\(entry.index)",
                    flipped.contains(entry.index)
                        ? "\(dataset.trainLabels[entry.index]) (was \(dataset.originalTrainLabels[entry.index]))"
                        : "\(dataset.trainLabels[entry.index])",
                    flipped.contains(entry.index) ? "yes" : "no",
                    String(format: "%.3f", entry.mem), String(format: "%.3f", entry.se),
                ]
            }))
        let rate = TrialScores.falseDiscoveryRate
        let significance = scores.significance()
        lines += [
            "",
            "top influence pairs (same class, \(threshold); q: Benjamini–Hochberg, \(significance.discoveries(at: rate)) "
                + "of \(significance.pairCount) pairs have q ≤ \(rate)):",
        ]
        lines.append(Table.render(
            header: ["train", "test", "class", "infl", "se", "q"],
            rows: scores.topPairs(top, maximumSE: maximumSE).map { pair in
                [
                    "\(pair.train)", "\(pair.test)", "\(dataset.testLabels[pair.test])",
                    String(format: "%.3f", pair.influence), String(format: "%.3f", pair.standardError),
                    String(format: "%.2g", significance.qValue(influence: pair.influence, standardError: pair.standardError)),
                ]
            }))
        let convergence = try TrialConvergence.load(store: store, sweepName: summary.sweepID, trialIndex: trialIndex)
        lines += ["", "convergence (mem over the first runs, in subset order; significant: mem > 2·SE):"]
        lines.append(Table.render(
            header: ["runs", "mean SE", "undefined", "significant", "changed"],
            rows: convergence.checkpoints.map { point in
                [
                    "\(point.runs)", point.meanMemSE.isNaN ? "—" : String(format: "%.3f", point.meanMemSE),
                    "\(point.undefined)", "\(point.significant)", "\(point.changed)",
                ]
            }))
        lines += ["", "influence-entropy buckets (1 = most memorization-dependent … 5 = no influence):"]
        lines.append(Table.render(
            header: ["bucket", "count", "test acc"],
            rows: zip(scores.bucketCounts, scores.bucketAccuracy).enumerated().map { bucket, entry in
                ["\(bucket + 1)", "\(entry.0)", entry.1.isNaN ? "—" : String(format: "%.3f", entry.1)]
            }))
        return lines.joined(separator: "\n")
    }

    /// How many examples a larger SE kept out of the top list, and what to do when none is left.
    private static func leftOutNote(_ memorized: (entries: [(index: Int, mem: Double, se: Double)], leftOut: Int)) -> String {
        guard memorized.leftOut > 0 else { return "" }
        guard memorized.entries.isEmpty else { return "; \(memorized.leftOut) ranked higher with a larger SE, left out" }
        return "; none of \(memorized.leftOut) estimates qualifies yet: more runs shrink the SEs, --max-se loosens the bound"
    }
}
