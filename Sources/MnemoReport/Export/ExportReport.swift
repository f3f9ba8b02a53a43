import Foundation
import MnemoAnalysis
import MnemoStore

/// `mnemo export`: loads one trial's scores from the database and writes them with ``Exporter``.
public enum ExportReport {
    /// - Returns: the files written.
    public static func write(
        store: Store, sweepName: String?, trialIndex: Int, to directory: URL, topPairs: Int
    ) throws -> [URL] {
        let (scores, summary) = try TrialSummary.load(store: store, sweepName: sweepName, trialIndex: trialIndex)
        return try Exporter(store: store, scores: scores, summary: summary).write(to: directory, topPairs: topPairs)
    }
}
