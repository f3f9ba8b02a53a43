import Foundation
import MnemoAnalysis
import MnemoCore

/// `trials.csv` of `mnemo export --all-trials`: one row per trial of a sweep, in trial order, with its
/// runs, headline figures and grid settings.
///
/// Columns: `trial`, `name`, `runs`, `runs_total`, `test_accuracy_mean`, `train_subset_accuracy_mean`,
/// `mean_epochs`, `mislabeled_auc`, then one per grid key in the sweep file's order (named after the
/// key, or `param_KEY` when the key is one of the fixed columns), holding the value as the trial's name
/// writes it. Figures a trial lacks (no runs, no planted flips) are `nan`.
public struct TrialsTable: Sendable {
    /// One trial's row.
    public struct Row: Sendable {
        public var trialIndex: Int
        public var name: String
        /// Tasks of the trial (``TrialProgress/total``).
        public var runsTotal: Int
        /// The trial's figures; nil when it has no finished run.
        public var summary: TrialSummary?
        /// The trial's grid settings; nil when the spec holds no trial of its name.
        public var parameters: [TrialParameter]?

        public init(trialIndex: Int, name: String, runsTotal: Int, summary: TrialSummary?, parameters: [TrialParameter]?) {
            self.trialIndex = trialIndex
            self.name = name
            self.runsTotal = runsTotal
            self.summary = summary
            self.parameters = parameters
        }
    }

    /// The grid keys, in the sweep file's order.
    public let keys: [String]
    public var rows: [Row] = []

    static let fixedColumns = [
        "trial", "name", "runs", "runs_total", "test_accuracy_mean", "train_subset_accuracy_mean", "mean_epochs",
        "mislabeled_auc",
    ]

    /// An empty table for the trials of `spec`.
    public init(spec: SweepSpec) {
        keys = spec.trialParameters.first?.map(\.key) ?? []
    }

    /// The CSV text, a header and one line per row.
    public var csv: String {
        let header = Self.fixedColumns + keys.map { Self.fixedColumns.contains($0) ? "param_\($0)" : $0 }
        var text = header.map(Self.field).joined(separator: ",") + "\n"
        for row in rows {
            let figures = [
                row.summary?.testAccuracy, row.summary?.trainSubsetAccuracy, row.summary?.meanEpochs,
                row.summary?.mislabeledAUC,
            ].map { Exporter.number($0 ?? .nan) }
            let values = keys.map { key in row.parameters?.first { $0.key == key }?.text ?? "" }
            let fields = ["\(row.trialIndex)", row.name, "\(row.summary?.runs ?? 0)", "\(row.runsTotal)"] + figures + values
            text += fields.map(Self.field).joined(separator: ",") + "\n"
        }
        return text
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
    static func field(_ value: String) -> String {
        guard value.unicodeScalars.contains(where: { ",\"\n\r".unicodeScalars.contains($0) }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
