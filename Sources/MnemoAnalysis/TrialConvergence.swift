import Foundation
import MnemoCore
import MnemoStore

/// How a trial's memorization estimates settle as runs are added: at up to eight checkpoints over its
/// runs (in subset order), the mean SE of mem, the examples still undefined, those significant
/// (mem > 2·SE), and how many changed significance since the previous checkpoint. When the last changes
/// are few and the SE falls as 1/√runs, more runs would not change the conclusions much.
public struct TrialConvergence: Codable, Sendable {
    /// The estimates after the first `runs` runs.
    public struct Checkpoint: Codable, Sendable, Equatable {
        public var runs: Int
        /// Mean standard error of mem over the examples with an estimate (NaN, null in JSON, when none).
        public var meanMemSE: Double
        /// Examples with no estimate yet (in every run's subset or in none).
        public var undefined: Int
        /// Examples with mem > 2·SE.
        public var significant: Int
        /// Examples whose significance differs from the previous checkpoint (0 at the first).
        public var changed: Int

        enum CodingKeys: String, CodingKey {
            case runs, undefined, significant, changed
            case meanMemSE = "mean_mem_se"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(runs, forKey: .runs)
            try container.encodeNullingNaN(meanMemSE, forKey: .meanMemSE)
            try container.encode(undefined, forKey: .undefined)
            try container.encode(significant, forKey: .significant)
            try container.encode(changed, forKey: .changed)
        }
    }

    public var checkpoints: [Checkpoint]

    /// The checkpoints of `runs` runs: eight evenly spaced counts (fewer for fewer runs), the last one
    /// all the runs.
    static func checkpointCounts(runs: Int) -> [Int] {
        let points = min(8, runs)
        guard points > 0 else { return [] }
        return Array(Set((1...points).map { ($0 * runs + points - 1) / points })).sorted()
    }

    /// Replays trial `trialIndex`'s stored runs in subset order.
    ///
    /// - Throws: ``AnalysisError`` when the trial is missing, or a stored result does not fit the data.
    public static func load(store: Store, sweepName: String?, trialIndex: Int) throws -> TrialConvergence {
        let stored = try StoredTrial.load(store: store, sweepName: sweepName, trialIndex: trialIndex)
        let n = stored.dataset.trainLabels.count
        let total = try store.progress(sweepID: stored.record.id).first { $0.trialIndex == trialIndex }?.done ?? 0
        let counts = Set(checkpointCounts(runs: total))
        var tally = MemorizationTally(count: n)
        var checkpoints: [Checkpoint] = []
        var previous: [Bool]?
        try store.forEachResult(sweepID: stored.record.id, trialIndex: trialIndex) { row in
            tally.add(
                membership: stored.sweep.membership(subset: row.subsetIndex, count: n),
                correct: try BitVector(data: row.trainBits, count: n))
            guard counts.contains(tally.runs) else { return }
            let estimates = tally.memorization()
            let significant = zip(estimates.values, estimates.standardErrors).map { $0 > TrialScores.significanceZ * $1 }
            let errors = estimates.standardErrors.filter { !$0.isNaN }
            checkpoints.append(
                Checkpoint(
                    runs: tally.runs, meanMemSE: Descriptive.mean(errors), undefined: n - errors.count,
                    significant: significant.count { $0 },
                    changed: previous.map { zip($0, significant).count { $0 != $1 } } ?? 0))
            previous = significant
        }
        return TrialConvergence(checkpoints: checkpoints)
    }
}
