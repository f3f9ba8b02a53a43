import Foundation
import MnemoAnalysis

/// `mnemo compare` as text (a table, best marked), CSV or JSON.
public enum ComparisonReport {
    /// The metrics shown as columns: the standard ones first, then the others by name.
    static func columns(_ comparison: SweepComparison) -> [String] {
        let reported = Set(comparison.trials.flatMap(\.metrics.keys))
        let first = ["test_accuracy", "train_subset_accuracy", "loss", "epochs"].filter(reported.contains)
        let others = reported.subtracting(first).subtracting(["seconds"]).sorted()
        return first + others
    }

    /// A table: one row per trial, best first and marked `*`.
    public static func text(_ comparison: SweepComparison) -> String {
        let metrics = columns(comparison)
        let header = ["", "trial"] + metrics + ["runs", "fit", "mislabeled AUC", "s/run"]
        let rows = comparison.trials.map { row -> [String] in
            let mark = row.index == comparison.best ? "*" : ""
            var cells: [String] = [mark, "\(row.index) \(row.name)"]
            for name in metrics {
                let cell: String = row.metrics[name].map { format($0.mean) + " ± " + format($0.se) } ?? "-"
                cells.append(cell)
            }
            cells.append(
                row.runs < row.runsTotal ? "\(row.runs) of \(row.runsTotal)\(row.stopped == nil ? "" : " (stopped)")" : "\(row.runs)")
            cells.append(row.runsFit.map(String.init) ?? "-")
            cells.append(row.mislabeledAUC.map { String(format: "%.3f", $0) } ?? "-")
            cells.append(row.secondsPerRun.map { String(format: "%.2f", $0) } ?? "-")
            return cells
        }
        let order = SweepComparison.higherIsBetter(comparison.sortBy) ? "higher first" : "lower first"
        return (comparison.partialBanner.map { $0 + "\n" } ?? "")
            + "sweep \(comparison.sweep): \(comparison.trials.count) trials by \(comparison.sortBy) (\(order)); * best\n"
            + Table.render(header: header, rows: rows)
    }

    /// CSV: `index,name,runs,runs_fit,<metric>_mean,<metric>_se…,mislabeled_auc,seconds_per_run,best,runs_total`.
    public static func csv(_ comparison: SweepComparison) -> String {
        let metrics = columns(comparison)
        let header = ["index", "name", "runs", "runs_fit"] + metrics.flatMap { ["\($0)_mean", "\($0)_se"] }
            + ["mislabeled_auc", "seconds_per_run", "best", "runs_total"]
        let lines = comparison.trials.map { row -> String in
            var cells: [String] = ["\(row.index)", TrialsTable.field(row.name), "\(row.runs)", row.runsFit.map(String.init) ?? ""]
            for name in metrics {
                let pair: [String] = row.metrics[name].map { [exact($0.mean), exact($0.se)] } ?? ["", ""]
                cells += pair
            }
            cells.append(row.mislabeledAUC.map(exact) ?? "")
            cells.append(row.secondsPerRun.map(exact) ?? "")
            cells.append(row.index == comparison.best ? "1" : "0")
            cells.append("\(row.runsTotal)")
            return cells.joined(separator: ",")
        }
        return ([header.joined(separator: ",")] + lines).joined(separator: "\n") + "\n"
    }

    /// JSON with sorted keys.
    public static func json(_ comparison: SweepComparison) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(comparison), as: UTF8.self) + "\n"
    }

    private static func format(_ value: Double) -> String {
        abs(value) >= 100 ? String(format: "%.1f", value) : String(format: "%.4f", value)
    }

    private static func exact(_ value: Double) -> String { "\(value)" }
}
