import Testing
@testable import MnemoCluster

/// Workers fetch ahead only what keeps them busy: nothing for long or untimed tasks, a batch for tiny ones.
@Suite struct PrefetchPolicyTests {
    @Test func longAndUntimedTasksAreNotFetchedAheadTinyOnesInBatches() {
        var policy = PrefetchPolicy()
        #expect(policy.prefetch == 0, "untimed")
        policy.record(seconds: 20)
        #expect(policy.prefetch == 0, "a 20 s command run")
        var tiny = PrefetchPolicy()
        tiny.record(seconds: 0.001)
        #expect(tiny.prefetch == PrefetchPolicy.maximum)
        var short = PrefetchPolicy()
        short.record(seconds: 0.5)
        #expect(short.prefetch == 1)
        // The average follows the durations: tasks that become long stop being fetched ahead.
        for _ in 0..<30 { tiny.record(seconds: 5) }
        #expect(tiny.prefetch == 0)
    }
}
