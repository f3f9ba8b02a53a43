import MnemoCore
import MnemoStore

/// What `mnemo run` and `mnemo coordinator` say last and how they exit, from how serving ended:
/// 0 when every task is done (or was cancelled by a met stop rule), 3 when any was quarantined or
/// cancelled (after "N of M tasks quarantined: reason …" or "N of M tasks cancelled"),
/// 1 when no worker may take the remaining tasks, 130 when interrupted before every task was done
/// (0 when a `--serve` coordinator is stopped after its sweeps are done). A failed sweep never exits 0.
public struct SweepConclusion: Sendable, Equatable {
    /// Lines for standard output, after the headline.
    public let lines: [String]
    public let exitCode: Int32

    /// Reads the quarantine reasons of `sweepIDs` from the store when some tasks were quarantined.
    ///
    /// - Throws: ``StoreError``.
    public init(exit: CoordinatorExit, store: Store, sweepIDs: [String], dataWarning: String?) throws {
        var lines: [String] = []
        let code: Int32
        let progress = try sweepIDs.flatMap { try store.progress(sweepID: $0) }
        let total = progress.reduce(0) { $0 + $1.total }
        let done = progress.reduce(0) { $0 + $1.done }
        // Tasks a met stop rule cancelled were not needed: the sweep succeeded without them.
        var stopped = 0
        var stops: [String] = []
        for id in sweepIDs {
            for (reason, count) in try store.reasons(sweepID: id, state: .cancelled) where reason.hasPrefix(StopRule.reasonPrefix) {
                stopped += count
                stops.append("  \(count) × \(reason)\(sweepIDs.count > 1 ? " (sweep \(id))" : "")")
            }
        }
        switch exit {
        case .finished(let quarantined, let cancelled) where quarantined + cancelled > 0:
            if quarantined > 0 {
                lines.append("\(quarantined) of \(total) tasks quarantined:")
                for id in sweepIDs {
                    for (reason, count) in try store.quarantineReasons(sweepID: id) {
                        lines.append("  \(count) × \(reason)\(sweepIDs.count > 1 ? " (sweep \(id))" : "")")
                    }
                }
                lines.append("fix the cause, then `mnemo retry` (or run the same command again after retrying)")
            }
            if cancelled > stopped {
                lines.append("\(cancelled - stopped) of \(total) tasks cancelled (`mnemo retry` brings them back)")
            }
            if stopped > 0 {
                lines.append("\(stopped) of \(total) tasks not needed: their trials met estimator.stop_when")
                lines += stops
            }
            code = quarantined + cancelled > stopped ? 3 : 0
        case .finished:
            code = 0
        case .stopped where done + stopped == total:
            // `coordinator --serve` stopped after its sweeps were done: nothing was interrupted.
            lines.append(
                total == 0
                    ? "stopped; no sweep had tasks to serve"
                    : "stopped; all \(total) tasks were done\(stopped > 0 ? " or not needed (estimator.stop_when)" : "")")
            code = 0
        case .stopped:
            lines.append("stopped with \(done) of \(total) tasks done; run the same command again to resume")
            code = 130
        case .noEligibleWorker(let exclusions):
            lines.append("no worker may take the remaining tasks of sweep \(sweepIDs.joined(separator: ", ")):")
            lines += exclusions.map { "  \($0)" }
            code = 1
        }
        if let warning = dataWarning {
            lines.append("warning: the dataset's \(warning)")
        }
        self.lines = lines
        self.exitCode = code
    }
}
