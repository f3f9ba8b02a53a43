import Foundation
import MnemoCluster
import Testing

@Suite struct ProgressReporterTests {
    @Test func rateUsesAUnitThatShowsDigits() {
        #expect(ProgressReporter.rate(3.1) == "3.10 tasks/s")
        #expect(ProgressReporter.rate(0.1) == "0.10 tasks/s")
        // 2 tasks in 20 minutes: 0.0017 tasks/s would print as 0.00.
        #expect(ProgressReporter.rate(2.0 / 1200) == "6.0 tasks/h")
        #expect(ProgressReporter.rate(0.05) == "3.0 tasks/min")
    }

    @Test func durationCountsSecondsMinutesAndHours() {
        #expect(ProgressReporter.duration(42) == "42s")
        #expect(ProgressReporter.duration(75) == "1m15s")
        #expect(ProgressReporter.duration(3 * 3600 + 7 * 60 + 5) == "3h07m")
        #expect(ProgressReporter.duration(.infinity) == "—")
    }

    @Test func lineShowsCountsRateAndETAOnlyOnceSomethingFinished() {
        let waiting = ProgressReporter.line(done: 3, total: 10, workers: 1, newlyDone: 0, elapsed: 30)
        #expect(waiting == "tasks 3/10 (30%) · rate — · 1 worker")
        // 4 done this session in 40 s: 0.1 tasks/s, 6 left → 60 s.
        let running = ProgressReporter.line(done: 4, total: 10, workers: 2, newlyDone: 4, elapsed: 40)
        #expect(running == "tasks 4/10 (40%) · 0.10 tasks/s · ETA 1m00s · 2 workers")
    }
}
