/// How many tasks a worker leases ahead of the one it trains, when not fixed by `--prefetch`.
///
/// Long tasks get one: a task waiting on a busy worker is a task another worker could be running.
/// Tiny tasks get more, so that each round trip to the coordinator carries a batch: enough to cover
/// ``target`` seconds of work, at most ``maximum``. The estimate follows the tasks' durations as they
/// finish (an exponential moving average).
struct PrefetchPolicy: Sendable, Equatable {
    /// Seconds of work to hold ahead.
    static let target = 0.25
    static let maximum = 32
    private var meanSeconds: Double?

    /// The prefetch for the durations seen so far (1 before any).
    var prefetch: Int {
        guard let meanSeconds else { return 1 }
        return max(1, min(Self.maximum, Int(Self.target / max(meanSeconds, 1e-4))))
    }

    /// Takes the duration of a finished task into account.
    mutating func record(seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        meanSeconds = meanSeconds.map { 0.8 * $0 + 0.2 * seconds } ?? seconds
    }
}
