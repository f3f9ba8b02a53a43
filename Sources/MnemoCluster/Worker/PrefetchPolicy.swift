/// How many tasks a worker leases ahead of the ones it trains, when not fixed by `--prefetch`.
///
/// None before any task has been timed, and none for long tasks (``longTask`` seconds or more): a
/// task waiting on a busy worker is a task another worker could be running, and the round trip that
/// fetches the next one is nothing against its training (the last tasks of a sweep of long command
/// runs would otherwise wait behind each other while other workers idle). Short tasks get one; tiny
/// tasks more, so that each round trip to the coordinator carries a batch: enough to cover ``target``
/// seconds of work, at most ``maximum``. The estimate follows the tasks' durations as they finish (an
/// exponential moving average).
struct PrefetchPolicy: Sendable, Equatable {
    /// Seconds of work to hold ahead.
    static let target = 0.25
    static let maximum = 63
    /// Tasks at least this long (seconds, on average) are not fetched ahead.
    static let longTask = 1.0
    private var meanSeconds: Double?

    /// The prefetch for the durations seen so far (0 before any).
    var prefetch: Int {
        guard let meanSeconds, meanSeconds < Self.longTask else { return 0 }
        return max(1, min(Self.maximum, Int(Self.target / max(meanSeconds, 1e-4))))
    }

    /// Takes the duration of a finished task into account.
    mutating func record(seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        meanSeconds = meanSeconds.map { 0.8 * $0 + 0.2 * seconds } ?? seconds
    }
}
