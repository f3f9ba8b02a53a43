import Dispatch
import Foundation
import Logging
import MnemoAnalysis
import MnemoCore
import MnemoStore
import MnemoWire
import Synchronization

/// The coordinator's live estimates: one ``TrialAggregate`` per trial of the sweeps it serves, as long
/// as they fit in its budget (`--aggregate-memory`), kept on a thread of their own. Each is rebuilt
/// from the stored results when its sweep is first served and fed every result the coordinator commits
/// after that; `mnemo scores` asks for a copy (``ask(sweep:trial:from:)``) instead of aggregating the
/// database again. Trials beyond the budget are left to be aggregated from the database on demand;
/// the aggregates of sweeps that have finished make room for a new sweep's first.
///
/// The loop thread calls ``track(_:)``, ``record(_:)``, ``ask(sweep:trial:from:)``, ``take()`` and
/// ``abandon()``; everything else happens on the aggregation queue, in the order it was asked for.
final class LiveAggregates: @unchecked Sendable {
    /// A reply ready for the admin client that asked.
    struct Answer: Sendable {
        let client: AdminPeer
        let reply: AdminReply
    }

    /// A committed result of a trial.
    struct Committed: Sendable {
        let sweep: String
        let trial: Int
        let run: TrialAggregate.Run
    }

    private struct Key: Hashable {
        let sweep: String
        let trial: Int
    }

    private let store: Store
    private let budget: Int
    private let logger: Logger
    private let queue = DispatchQueue(label: "mnemo.live-aggregates")
    private let answers = HandOff<Answer>()
    private let pending = HandOff<Committed>()
    /// Whether a block is queued to add what is pending.
    private let draining = Atomic<Bool>(false)

    // The aggregation queue's state.
    private var held: [Key: TrialAggregate] = [:]
    /// Trials served but not held, with the reason `scores` is told.
    private var notHeld: [Key: String] = [:]
    private var used = 0

    // The loop thread's state.
    private var waiting: [AdminPeer] = []

    /// - Parameter budget: the bytes the aggregates may hold together; 0 holds none.
    init(store: Store, budget: Int, logger: Logger) {
        self.store = store
        self.budget = budget
        self.logger = logger
    }

    /// Starts keeping the aggregates of `plan`'s trials not kept yet, in trial order while the budget
    /// lasts (making room by dropping those of the sweeps in `finished`, which have no task left to
    /// run), each rebuilt from the results stored so far.
    func track(_ plan: SweepPlan, finished: Set<String>) {
        queue.async { [self] in
            let bytes = TrialAggregate.memoryBytes(dataset: plan.dataset)
            for trial in plan.trials.sorted(by: { $0.index < $1.index }) {
                let key = Key(sweep: plan.sweepID, trial: trial.index)
                // One not held before (no room, dropped, a rebuild that failed) is tried again: its
                // sweep is served again (a retry revived it), and room may have been made since.
                guard held[key] == nil else { continue }
                notHeld[key] = nil
                for old in held.keys.filter({ finished.contains($0.sweep) }).sorted(by: { ($0.sweep, $0.trial) < ($1.sweep, $1.trial) })
                where used + bytes > budget {
                    used -= held.removeValue(forKey: old)!.memoryBytes
                    notHeld[old] = "its sweep had finished, and its live aggregate made room for a running sweep's"
                }
                guard used + bytes <= budget else {
                    notHeld[key] =
                        "its live aggregate needs \(ByteText.mebibytes(bytes)), beyond what is left of the "
                        + "coordinator's --aggregate-memory (\(ByteText.mebibytes(budget)))"
                    continue
                }
                do {
                    var aggregate = try TrialAggregate(sweep: plan.spec, trialName: trial.name, dataset: plan.dataset)
                    try aggregate.load(store: store, sweepID: plan.sweepID, trialIndex: trial.index)
                    held[key] = aggregate
                    used += bytes
                } catch {
                    logger.warning("sweep \(plan.sweepID) trial \(trial.index): no live aggregate, \(error)")
                    notHeld[key] = "its live aggregate could not be rebuilt: \(error)"
                }
            }
        }
    }

    /// Adds committed results to their trials' aggregates (later, on the aggregation queue; results
    /// committed meanwhile are added in the same blocks).
    func record(_ committed: [Committed]) {
        guard !committed.isEmpty else { return }
        pending.put(contentsOf: committed)
        guard !draining.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.async { [self] in
            draining.store(false, ordering: .releasing)
            var byTrial: [Key: [TrialAggregate.Run]] = [:]
            for item in pending.take() {
                byTrial[Key(sweep: item.sweep, trial: item.trial), default: []].append(item.run)
            }
            for (key, runs) in byTrial {
                guard var aggregate = held.removeValue(forKey: key) else { continue }
                do {
                    try aggregate.add(runs)
                    held[key] = aggregate
                } catch {
                    // The coordinator checked these results before committing them: this is a defect.
                    logger.error("sweep \(key.sweep) trial \(key.trial): live aggregate dropped, \(error)")
                    used -= aggregate.memoryBytes
                    notHeld[key] = "its live aggregate was dropped: \(error)"
                }
            }
        }
    }

    /// Copies the aggregate of trial `trial` of sweep `sweep` (an id) for `client`, once what was
    /// tracked and recorded before is counted; the reply comes back through ``take()``.
    func ask(sweep: String, trial: Int, from client: AdminPeer) {
        waiting.append(client)
        queue.async { [self] in
            let key = Key(sweep: sweep, trial: trial)
            let reply: AdminReply
            if let aggregate = held[key] {
                do {
                    reply = try AggregateTransfer.reply(aggregate.snapshot, sweep: sweep, trial: trial)
                } catch {
                    reply = AdminReply(ok: false, message: "the live aggregate could not be encoded: \(error)")
                }
            } else {
                let reason = notHeld[key] ?? "this coordinator does not serve trial \(trial) of sweep \(sweep)"
                reply = AdminReply(ok: false, message: "no live aggregate of trial \(trial) of sweep \(sweep): \(reason)")
            }
            answers.put(Answer(client: client, reply: reply))
        }
    }

    /// The replies ready since the last call.
    func take() -> [Answer] {
        let ready = answers.take()
        for answer in ready {
            if let index = waiting.firstIndex(of: answer.client) { waiting.remove(at: index) }
        }
        return ready
    }

    /// The clients still waiting, forgotten: the loop is ending before their copies are ready.
    func abandon() -> [AdminPeer] {
        defer { waiting = [] }
        return waiting
    }
}
