import Foundation

/// At most `limit` lines of one kind per minute: a peer that opens connection after connection (a
/// scanner, a misconfigured worker restarting in a loop) must not flood the coordinator's log. Lines
/// beyond the budget are counted and summed up once the minute is over.
struct LogBudget {
    let limit: Int
    private var windowStart: Date?
    private var written = 0
    private var suppressed = 0

    init(limit: Int) {
        self.limit = limit
    }

    /// Whether a line may be written at `now`; with it, how many were left out in the minute before.
    mutating func admit(at now: Date) -> (write: Bool, suppressedBefore: Int) {
        var before = 0
        if windowStart.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            before = suppressed
            windowStart = now
            written = 0
            suppressed = 0
        }
        guard written < limit else {
            suppressed += 1
            return (false, before)
        }
        written += 1
        return (true, before)
    }
}
