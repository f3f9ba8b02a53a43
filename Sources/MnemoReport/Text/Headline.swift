import Foundation
import MnemoAnalysis
import MnemoStore

/// The end-of-run report: the headline of every trial of the database's sweep.
public enum Headline {
    /// Summaries of every trial that has results.
    public static func summaries(store: Store, sweepName: String? = nil) throws -> [TrialSummary] {
        let sweep = try TrialAnalysis.sweepRecord(store: store, name: sweepName)
        return try store.progress(sweepID: sweep.id).filter { $0.done > 0 }.map { trial in
            try TrialSummary.load(store: store, sweepName: sweep.id, trialIndex: trial.trialIndex).1
        }
    }

    /// Prints every trial's headline to standard output.
    public static func print(store: Store, sweepName: String? = nil) throws {
        for summary in try summaries(store: store, sweepName: sweepName) {
            Swift.print(summary.headline)
        }
    }
}
