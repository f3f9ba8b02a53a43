extension Duration {
    /// The duration in whole milliseconds as libzmq's `int` options and `zmq_poll` take it.
    ///
    /// Rounds up, so that a wait of 0.4 ms still waits rather than polling once; negative durations
    /// become 0 and huge ones saturate at `Int32.max` (about 24 days).
    var wholeMillisecondsRoundedUp: Int32 {
        guard self > .zero else { return 0 }
        let (seconds, attoseconds) = components
        let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
        let (millisecondsFromSeconds, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return .max }
        var milliseconds = millisecondsFromSeconds + attoseconds / attosecondsPerMillisecond
        if attoseconds % attosecondsPerMillisecond > 0 {
            milliseconds += 1
        }
        return Int32(clamping: milliseconds)
    }
}
