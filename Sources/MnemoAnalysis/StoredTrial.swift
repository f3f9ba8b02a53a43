import Foundation
import MnemoCore
import MnemoStore

/// A trial as the database records it: its sweep (record and spec), the trial record and the
/// prepared dataset's summary. What every analysis of stored runs starts from.
public struct StoredTrial: Sendable {
    public let record: SweepRecord
    public let sweep: SweepSpec
    public let trial: TrialRecord
    public let dataset: DatasetSummary

    /// Loads trial `trialIndex` of the sweep `sweepName` (see ``TrialAnalysis/sweepRecord(store:name:)``).
    ///
    /// - Throws: ``AnalysisError`` when the sweep, the trial or the dataset summary is missing.
    public static func load(store: Store, sweepName: String?, trialIndex: Int) throws -> StoredTrial {
        let record = try TrialAnalysis.sweepRecord(store: store, name: sweepName)
        let sweep = try JSONDecoder().decode(SweepSpec.self, from: Data(record.specYAML.utf8))
        guard let trial = try store.trials(sweepID: record.id).first(where: { $0.trialIndex == trialIndex }) else {
            throw AnalysisError("sweep '\(record.id)' has no trial \(trialIndex)")
        }
        guard let blob = try store.artifact(sweepID: record.id, name: DatasetSummary.artifactName) else {
            throw AnalysisError("sweep '\(record.id)' has no dataset summary; was it started by a coordinator?")
        }
        return StoredTrial(record: record, sweep: sweep, trial: trial, dataset: try JSONDecoder().decode(DatasetSummary.self, from: blob))
    }

    /// The error of a trial without finished runs.
    var noRunsYet: AnalysisError {
        AnalysisError(
            "trial \(trial.trialIndex) of sweep \(record.id) has no finished run yet: nothing to score "
                + "(see `mnemo status` for its tasks)")
    }
}
