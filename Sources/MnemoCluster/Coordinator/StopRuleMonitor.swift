import Foundation
import MnemoCore
import MnemoStore

/// Watches the trials of served sweeps that have a stop rule (`estimator.stop_when`) and says when one
/// meets it. Per watched trial it keeps a ``MemorizationTally`` (O(n) memory, O(n) work per result),
/// rebuilt from the stored results when the sweep is served and fed every committed result, so the
/// decision is the same whether or not the coordinator restarted in between.
struct StopRuleMonitor {
    private struct Watched {
        let plan: SweepPlan
        let rule: StopRule
        /// The trials still running, with their tallies.
        var tallies: [Int: MemorizationTally]
    }

    private var sweeps: [String: Watched] = [:]

    /// Starts watching the unfinished trials of `plan` when its sweep has a stop rule.
    ///
    /// - Returns: the trials whose stored results already meet the rule, with the reason to record.
    /// - Throws: ``StoreError``, or a stored result that does not fit the dataset.
    mutating func watch(_ plan: SweepPlan, store: Store) throws -> [(trial: Int, reason: String)] {
        guard let rule = plan.spec.estimator.stopWhen else { return [] }
        let n = plan.dataset.trainLabels.count
        var watched = Watched(plan: plan, rule: rule, tallies: [:])
        var met: [(trial: Int, reason: String)] = []
        for trial in try store.progress(sweepID: plan.sweepID) where trial.pending + trial.leased > 0 {
            var tally = MemorizationTally(count: n)
            try store.forEachResult(sweepID: plan.sweepID, trialIndex: trial.trialIndex) { row in
                tally.add(
                    membership: plan.spec.membership(subset: row.subsetIndex, count: n),
                    correct: try BitVector(data: row.trainBits, count: n))
            }
            if rule.isMet(by: tally.memorization(), flipped: plan.dataset.flippedIndices) {
                met.append((trial.trialIndex, rule.reason(runs: tally.runs)))
            } else {
                watched.tallies[trial.trialIndex] = tally
            }
        }
        sweeps[plan.sweepID] = watched
        return met
    }

    /// Counts a committed result of a watched trial.
    ///
    /// - Returns: the reason to record when this result makes its trial meet its rule (once per trial;
    ///   the trial is no longer watched then), otherwise nil.
    mutating func record(_ location: ResultLocation, trainBits: Data) -> String? {
        guard let watched = sweeps[location.sweep], var tally = watched.tallies[location.trial] else { return nil }
        let n = watched.plan.dataset.trainLabels.count
        guard let correct = try? BitVector(data: trainBits, count: n) else { return nil }
        tally.add(membership: watched.plan.spec.membership(subset: location.subset, count: n), correct: correct)
        guard watched.rule.isMet(by: tally.memorization(), flipped: watched.plan.dataset.flippedIndices) else {
            sweeps[location.sweep]?.tallies[location.trial] = tally
            return nil
        }
        sweeps[location.sweep]?.tallies[location.trial] = nil
        return watched.rule.reason(runs: tally.runs)
    }
}
