/// Why ``Coordinator/run(progress:tick:)`` returned.
public enum CoordinatorExit: Sendable, Equatable {
    /// Every task is done, quarantined or cancelled; `quarantined + cancelled` of them have no result.
    case finished(quarantined: Int, cancelled: Int)
    /// SIGINT/SIGTERM arrived first; run the same command again to resume.
    case stopped
    /// Tasks remain but no connected worker may take them, and none could for the configured time:
    /// each excluded worker with its reason.
    case noEligibleWorker(exclusions: [String])
}
