import MnemoStore

/// What `mnemo run` and `mnemo coordinator` say last and how they exit, from how serving ended:
/// 0 when every task is done, 3 when any was quarantined or cancelled (after "N of M tasks
/// quarantined: reason …" or "N of M tasks cancelled"),
/// 1 when no worker may take the remaining tasks, 130 when interrupted. A failed sweep never exits 0.
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
        let total = try sweepIDs.reduce(0) { sum, id in sum + (try store.progress(sweepID: id)).reduce(0) { $0 + $1.total } }
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
            if cancelled > 0 {
                lines.append("\(cancelled) of \(total) tasks cancelled (`mnemo retry` brings them back)")
            }
            code = 3
        case .finished:
            code = 0
        case .stopped:
            lines.append("stopped before the sweep was complete; run the same command again to resume")
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
