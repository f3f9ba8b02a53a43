import Foundation
import MnemoAnalysis
import MnemoCore
import MnemoStore

/// `mnemo scores`: the headline, the most memorized train examples, the top same-class influence
/// pairs, and the influence-entropy bucket counts of one trial.
public enum ScoresReport {
    public static func text(store: Store, sweepName: String?, trialIndex: Int, top: Int) throws -> String {
        let (scores, summary) = try TrialSummary.load(store: store, sweepName: sweepName, trialIndex: trialIndex)
        let dataset = scores.analysis.dataset
        let flipped = Set(dataset.flippedIndices)
        var lines = [summary.headline, "", "most memorized training examples:"]
        if summary.tasksDone < summary.tasksTotal {
            lines.insert("partial: \(summary.tasksDone) of \(summary.tasksTotal) runs (estimates will move)", at: 0)
        }
        lines.append(Table.render(
            header: ["index", "label", "flipped", "mem", "se"],
            rows: scores.topMemorized(top).map { entry in
                [
                    "\(entry.index)",
                    flipped.contains(entry.index)
                        ? "\(dataset.trainLabels[entry.index]) (was \(dataset.originalTrainLabels[entry.index]))"
                        : "\(dataset.trainLabels[entry.index])",
                    flipped.contains(entry.index) ? "yes" : "no",
                    String(format: "%.3f", entry.mem), String(format: "%.3f", entry.se),
                ]
            }))
        lines += ["", "top influence pairs (same class):"]
        lines.append(Table.render(
            header: ["train", "test", "class", "infl", "se"],
            rows: scores.topPairs(top).map { pair in
                [
                    "\(pair.train)", "\(pair.test)", "\(dataset.testLabels[pair.test])",
                    String(format: "%.3f", pair.influence), String(format: "%.3f", pair.standardError),
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
}
