import Foundation
import MnemoAnalysis
import MnemoCore

/// `mnemo compare --paired A B`: the paired differences B − A as text, JSON, or per-example CSV files.
public enum PairedReport {
    /// Test accuracy, the memorization change, and a table per bucket scheme.
    public static func text(_ comparison: PairedComparison) -> String {
        let (a, b) = (comparison.a, comparison.b)
        let accuracy = comparison.testAccuracy
        let mem = comparison.memorization
        var lines = [
            "paired: B = \(a.sweep == b.sweep ? "" : "\(b.sweep):")trial \(b.trialIndex) (\(b.name)) − A = "
                + "\(a.sweep == b.sweep ? "" : "\(a.sweep):")trial \(a.trialIndex) (\(a.name)) of sweep \(a.sweep), "
                + "over their \(comparison.sharedRuns) shared runs; 95% Student-t intervals",
            "test accuracy: A \(fixed(accuracy.a.mean)) · B \(fixed(accuracy.b.mean)) · B − A \(interval(accuracy.difference))",
            "memorization: \(mem.examples) training examples with an estimate; mean B − A \(signed(mem.meanDifference)); "
                + "significantly higher in B: \(mem.higherInB), in A: \(mem.higherInA) "
                + "(|B − A| > \(PairedComparison.significanceZ)·SE)",
        ]
        for scheme in ReferenceBuckets.Scheme.allCases {
            lines += ["", "\(scheme.legend), from trial \(comparison.referenceTrial):"]
            lines.append(
                Table.render(
                    header: ["bucket", "examples", "acc A", "acc B", "B − A", "95% interval"],
                    rows: (comparison.buckets[scheme] ?? []).map { row in
                        [
                            "\(row.bucket)", "\(row.examples)", fixed(row.a.mean), fixed(row.b.mean),
                            signed(row.difference.mean), bounds(row.difference),
                        ]
                    }))
        }
        return lines.joined(separator: "\n")
    }

    /// JSON with sorted keys (undefined figures are null).
    public static func json(_ comparison: PairedComparison) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(comparison), as: UTF8.self) + "\n"
    }

    /// Writes `paired_train.csv` (index, label, mem_a, mem_b, difference, se) and `paired_test.csv`
    /// (index, label, raw_bucket, thresholded_bucket, accuracy_a, accuracy_b, difference, se) into
    /// `directory`; undefined values are `nan`.
    ///
    /// - Returns: the files written.
    public static func writeExamples(_ comparison: PairedComparison, to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let train = directory.appendingPathComponent("paired_train.csv")
        var lines = ["index,label,mem_a,mem_b,difference,se"]
        for (i, row) in comparison.trainDifferences.enumerated() {
            lines.append("\(i),\(comparison.trainLabels[i]),\(csv(row))")
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: train, options: .atomic)
        let test = directory.appendingPathComponent("paired_test.csv")
        lines = ["index,label,raw_bucket,thresholded_bucket,accuracy_a,accuracy_b,difference,se"]
        let buckets = comparison.referenceBuckets
        for (j, row) in comparison.testDifferences.enumerated() {
            let raw = buckets.map { "\($0.raw[j])" } ?? ""
            let thresholded = buckets.map { "\($0.thresholded[j])" } ?? ""
            lines.append("\(j),\(comparison.testLabels[j]),\(raw),\(thresholded),\(csv(row))")
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: test, options: .atomic)
        return [train, test]
    }

    private static func csv(_ row: PairedComparison.ExampleDifference) -> String {
        [row.a, row.b, row.difference, row.standardError].map { $0.isNaN ? "nan" : "\($0)" }.joined(separator: ",")
    }

    private static func fixed(_ value: Double) -> String {
        value.isNaN ? "—" : String(format: "%.4f", value)
    }

    private static func signed(_ value: Double) -> String {
        value.isNaN ? "—" : String(format: "%+.4f", value)
    }

    private static func bounds(_ interval: MeanInterval) -> String {
        interval.low.isNaN ? "—" : "[\(signed(interval.low)), \(signed(interval.high))]"
    }

    private static func interval(_ interval: MeanInterval) -> String {
        "\(signed(interval.mean)) \(bounds(interval))"
    }
}
