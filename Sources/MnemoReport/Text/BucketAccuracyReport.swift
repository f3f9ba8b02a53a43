import Foundation
import MnemoAnalysis
import MnemoCore

/// `mnemo compare --buckets`: every trial's test accuracy per influence-entropy bucket, as text or JSON.
public enum BucketAccuracyReport {
    /// A table per scheme: one row per trial, one column per bucket, `mean [low, high]`.
    public static func text(_ table: BucketAccuracyTable) -> String {
        var lines = [
            "sweep \(table.sweep): test accuracy per influence-entropy bucket, buckets from trial \(table.referenceTrial); "
                + "mean over runs [95% Student-t interval]; columns: bucket (its test examples)"
        ]
        for scheme in ReferenceBuckets.Scheme.allCases {
            guard let entry = table.schemes[scheme] else { continue }
            lines += ["", scheme.legend + ":"]
            let header = ["", "trial"] + entry.examples.enumerated().map { "\($0.offset + 1) (\($0.element))" }
            lines.append(
                Table.render(
                    header: header,
                    rows: entry.trials.map { row in
                        ["\(row.runs) runs", "\(row.index) \(row.name)"] + row.accuracy.map(cell)
                    }))
        }
        return lines.joined(separator: "\n")
    }

    /// JSON with sorted keys (undefined figures are null).
    public static func json(_ table: BucketAccuracyTable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(table), as: UTF8.self) + "\n"
    }

    private static func cell(_ interval: MeanInterval) -> String {
        guard !interval.mean.isNaN else { return "—" }
        let mean = String(format: "%.3f", interval.mean)
        guard !interval.low.isNaN else { return mean }
        return mean + String(format: " [%.3f, %.3f]", interval.low, interval.high)
    }
}
