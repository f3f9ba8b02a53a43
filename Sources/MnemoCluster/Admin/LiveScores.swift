import Foundation
import MnemoAnalysis
import MnemoStore
import MnemoWire

/// Where `mnemo scores` takes a trial's estimates from: a copy of the live aggregate of the coordinator
/// serving the database when one runs and holds it, otherwise the stored results (the source of truth;
/// both give the same counts).
public enum LiveScores {
    /// A trial's estimates, and where they came from in words (for standard error).
    public struct Estimates {
        public let analysis: TrialAnalysis
        public let source: String
    }

    /// The estimates of trial `trialIndex` of the sweep `sweepName` (see
    /// ``TrialAnalysis/sweepRecord(store:name:)``) in the database at `databasePath`.
    ///
    /// - Parameter timeout: how long to wait for the coordinator's copy before reading the database.
    /// - Throws: ``AnalysisError`` when the sweep, trial or dataset summary is missing or the trial
    ///   has no run yet; ``StoreError``.
    public static func estimates(
        store: Store, databasePath: String, sweepName: String?, trialIndex: Int, timeout: Duration = .seconds(60)
    ) throws -> Estimates {
        let stored = try StoredTrial.load(store: store, sweepName: sweepName, trialIndex: trialIndex)
        let request = AdminRequest(command: .scores, sweep: stored.record.id, trial: trialIndex)
        let why: String
        do {
            if let reply = try AdminClient.send(request, databasePath: databasePath, timeout: timeout) {
                guard reply.ok else { throw AdminError(message: reply.message) }
                let (_, snapshot) = try AggregateTransfer.snapshot(from: reply)
                let aggregate = try TrialAggregate(
                    sweep: stored.sweep, trialName: stored.trial.name, dataset: stored.dataset, snapshot: snapshot)
                return Estimates(
                    analysis: try TrialAnalysis(stored, aggregate),
                    source: "live estimates of the coordinator serving \(databasePath) (\(aggregate.runs) runs)")
            }
            why = "no coordinator serves it"
        } catch {
            why = "\(error)"
        }
        return Estimates(
            analysis: try TrialAnalysis.load(stored, store: store),
            source: "estimates aggregated from the results stored in \(databasePath) (\(why))")
    }
}
