/// How far the tasks of one trial have come, from ``Store/progress(sweepID:)``.
public struct TrialProgress: Sendable, Equatable {
    /// Position of the trial in the sweep's grid.
    public var trialIndex: Int
    /// The trial's name.
    public var name: String
    /// Tasks of the trial.
    public var total: Int
    /// Tasks waiting for a worker.
    public var pending: Int
    /// Tasks leased to a worker now.
    public var leased: Int
    /// Tasks with a committed result.
    public var done: Int
    /// Tasks that will not run again after failing (see ``TaskState/quarantined``).
    public var quarantined: Int
    /// Tasks withdrawn by `mnemo cancel`.
    public var cancelled: Int = 0
    /// Pending or leased tasks that have failed at least once and are being retried.
    public var retrying: Int

    /// Creates a progress value.
    public init(
        trialIndex: Int, name: String, total: Int, pending: Int, leased: Int, done: Int, quarantined: Int,
        retrying: Int
    ) {
        self.trialIndex = trialIndex
        self.name = name
        self.total = total
        self.pending = pending
        self.leased = leased
        self.done = done
        self.quarantined = quarantined
        self.retrying = retrying
    }

    /// Whether no task of the trial will run again: every one is done, quarantined or cancelled.
    public var isComplete: Bool { done + quarantined + cancelled == total }
}
