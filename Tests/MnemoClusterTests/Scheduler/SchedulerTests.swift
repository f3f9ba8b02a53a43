import Foundation
import MnemoStore
import MnemoWire
import Testing
@testable import MnemoCluster

/// The scheduler in-process with a manual clock and fake workers: no sockets, no processes.
@Suite struct SchedulerTests {
    @Test func readyTopsCreditUpToCapacityAndNeverHoards() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(subsets: 10)))
        // Capacity 3 = one slot + a prefetch of 2.
        let first = h.join("w1", capacity: 3)
        #expect(first.map(\.taskID) == ["a-t0-s0", "a-t0-s1", "a-t0-s2"])
        // A worker that says ready again (as after a coordinator restart, once per queued heartbeat)
        // is topped up to its capacity, not given three more each time.
        for _ in 0..<5 {
            #expect(SchedulerHarness.grants(h.handle(.ready(worker: "w1", capacity: 3)), to: "w1").isEmpty)
        }
        #expect(h.scheduler.connectedWorkers["w1"]?.leased.count == 3)
        // Finishing one frees one slot, refilled at once.
        let done = h.handle(.results(worker: "w1", outcomes: [h.result(first[0], worker: "w1")]))
        #expect(SchedulerHarness.grants(done, to: "w1").map(\.taskID) == ["a-t0-s3"])
        #expect(done.contains(.send(worker: "w1", .ack(["a-t0-s0"]))))
        #expect(h.counts().done == 1 && h.counts().leased == 3 && h.counts().pending == 6)
    }

    @Test func aLeaseNotNamedInHeartbeatsExpiresWithoutSpendingTheBudget() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(subsets: 2)))
        let grants = h.join("w1", capacity: 2)
        // The worker keeps heartbeating but names only the first task.
        for _ in 0..<35 {
            _ = h.advance(1)
            h.handle(.heartbeat(worker: "w1", running: [grants[0].taskID]))
        }
        #expect(h.counts().leased == 2, "the expired one was leased again to the same worker")
        let requeued = SchedulerHarness.writes(h.effects).contains {
            if case .requeue(let ids, _) = $0 { return ids == [grants[1].taskID] } else { return false }
        }
        #expect(requeued)
        #expect(h.effects.contains(.count(.leaseExpired, 1)), "counted for mnemo_lease_expiries_total")
        #expect(!h.effects.contains { if case .count(.workerLost, _) = $0 { true } else { false } })
        let again = SchedulerHarness.grants(h.effects, to: "w1").filter { $0.taskID == grants[1].taskID }
        #expect(again.map(\.attempt) == [1, 2], "a new attempt, the same budget")
    }

    @Test func aStaleAttemptOrAnotherWorkersReportChangesNothing() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(subsets: 1)))
        let first = h.join("w1")[0]
        #expect(h.advance(6).contains(.count(.workerLost, 1)))  // w1 is silent: dead, its task back to pending
        let second = h.join("w2")[0]
        #expect(second.attempt == 2)
        h.handle(.hello(worker: "w1", host: "h", pid: 1, running: []))
        let stale = h.handle(.results(worker: "w1", outcomes: [h.result(first, worker: "w1")]))
        #expect(SchedulerHarness.writes(stale).isEmpty)
        #expect(stale.contains(.send(worker: "w1", .ack([first.taskID]))), "acknowledged so the worker drops it")
        let forged = h.handle(.results(worker: "w1", outcomes: [h.failure(second, .deterministic), h.result(second, worker: "w1")]))
        #expect(SchedulerHarness.writes(forged).isEmpty)
        #expect(h.counts().leased == 1)
        let real = h.handle(.results(worker: "w2", outcomes: [h.result(second, worker: "w2")]))
        #expect(SchedulerHarness.writes(real).contains { if case .result = $0 { return true } else { return false } })
        #expect(h.counts().done == 1)
    }

    @Test func afterARestartLeasesStayReservedForTheirWorkersAndUnclaimedOnesExpire() {
        var h = SchedulerHarness()
        var submission = SchedulerHarness.submission(subsets: 3)
        for index in 0..<2 {
            submission.open[index].state = .leased
            submission.open[index].attempt = 4
            submission.open[index].workerID = "w1"
        }
        h.handle(.submit(submission))
        #expect(h.counts().leased == 2)
        // Another worker only gets the pending task.
        #expect(h.join("w2", capacity: 5).map(\.taskID) == ["a-t0-s2"])
        // w1 reconnects holding s0 (attempt 4) only: s0 is restored, s1 returns to pending.
        h.handle(.hello(worker: "w1", host: "h", pid: 1, running: [.init(taskId: "a-t0-s0", attempt: 4)]))
        #expect(h.scheduler.connectedWorkers["w1"]?.leased == ["a-t0-s0"])
        let accepted = h.handle(
            .results(worker: "w1", outcomes: [.result(ResultRecord(taskID: "a-t0-s0", attempt: 4, workerID: "w1", trainBits: Data([1]), testBits: Data([1]), subsetAccuracy: 1, testAccuracy: 1, epochs: 1, seconds: 0, receivedAt: h.now))]))
        #expect(SchedulerHarness.writes(accepted).contains { if case .result = $0 { return true } else { return false } })
        #expect(SchedulerHarness.grants(h.effects, to: "w2").map(\.taskID).contains("a-t0-s1"))

        // A reservation nobody claims expires after one worker timeout.
        var lonely = SchedulerHarness()
        var single = SchedulerHarness.submission(subsets: 1)
        single.open[0].state = .leased
        single.open[0].attempt = 1
        single.open[0].workerID = "gone"
        lonely.handle(.submit(single))
        _ = lonely.advance(4)
        #expect(lonely.counts().leased == 1)
        _ = lonely.advance(2)
        #expect(lonely.counts().pending == 1)
    }

    @Test func failureClassesAreTreatedApart() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(subsets: 2)))
        let grants = h.join("w1", capacity: 2)
        // Deterministic: quarantined after one attempt.
        h.handle(.results(worker: "w1", outcomes: [h.failure(grants[0], .deterministic, "diverged")]))
        #expect(h.counts().quarantined == 1)
        // Transient: retried within the budget of 3, then quarantined.
        var grant = grants[1]
        for round in 1...3 {
            let effects = h.handle(.results(worker: "w1", outcomes: [h.failure(grant, .transient, "io")]))
            if round < 3 {
                grant = SchedulerHarness.grants(effects, to: "w1")[0]
                #expect(grant.attempt == round + 1)
            }
        }
        #expect(h.counts().quarantined == 2 && h.counts().open == 0)
    }

    @Test func anInfrastructureFailureExcludesTheWorkerAndSpendsNothing() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(subsets: 3)))
        let stray = h.join("stray", pid: 9, capacity: 2)
        let effects = h.handle(.results(worker: "stray", outcomes: [h.failure(stray[0], .infrastructure, "dataset differs")]))
        #expect(effects.contains(.send(worker: "stray", .bye(reason: "excluded from sweep a: dataset differs", excluded: true))))
        #expect(h.counts().pending == 3 && h.counts().leased == 0, "both its leases went back")
        #expect(SchedulerHarness.grants(h.handle(.ready(worker: "stray", capacity: 2)), to: "stray").isEmpty)
        // No eligible worker (the excluded one stays connected): reported after 30 s, not before.
        for second in 1...32 {
            h.handle(.heartbeat(worker: "stray", running: []))
            _ = h.advance(1)
            if second == 28 { #expect(h.scheduler.starvedSweeps(at: h.now).isEmpty, "at \(h.now.timeIntervalSince1970)") }
        }
        let starved = h.scheduler.starvedSweeps(at: h.now)
        #expect(starved.map(\.sweep) == ["a"])
        #expect(starved.first?.exclusions == ["worker stray: dataset differs"])
        // A good worker takes everything, with untouched budgets.
        let good = h.join("good", capacity: 3)
        #expect(good.map(\.attempt) == [2, 2, 1])
        #expect(h.scheduler.starvedSweeps(at: h.now).isEmpty)
        // The same id from a new process (the data fixed) gets another chance.
        h.handle(.hello(worker: "stray", host: "h", pid: 10, running: []))
        #expect(!h.effects.suffix(3).contains(.send(worker: "stray", .bye(reason: "excluded from sweep a: dataset differs", excluded: true))))
    }

    @Test func aTaskDuringWhichThreeDistinctWorkersDiedIsQuarantined() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(subsets: 1)))
        for (index, worker) in ["w1", "w2", "w3"].enumerated() {
            #expect(h.join(worker).count == 1)
            h.handle(.died(worker: worker, reason: "its process exited"))
            #expect(h.counts().quarantined == (index == 2 ? 1 : 0))
        }
        #expect(SchedulerHarness.writes(h.effects).contains(.crash(taskID: "a-t0-s0", state: .quarantined, crashedWorkers: ["w1", "w2", "w3"], reason: "kills its worker (3 workers died running it; last: w3)", at: h.now)))
    }

    @Test func aWorkerRestartedUnderTheSameIdLosesTheOldProcesssLeases() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(subsets: 1)))
        #expect(h.join("fixed", pid: 100).count == 1)
        // A new process (new pid) under the same id, within the worker timeout.
        let again = h.join("fixed", pid: 200)
        #expect(again.map(\.attempt) == [2])
        #expect(SchedulerHarness.writes(h.effects).contains(.crash(taskID: "a-t0-s0", state: .pending, crashedWorkers: ["fixed"], reason: nil, at: h.now)))
    }

    @Test func drainStopsNewLeasesAndAGoodbyeReturnsWhatIsHeld() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(subsets: 4)))
        let grants = h.join("w1", capacity: 2)
        #expect(h.handle(.drain(worker: "w1")).contains(.send(worker: "w1", .drain)))
        let finished = h.handle(.results(worker: "w1", outcomes: [h.result(grants[0], worker: "w1")]))
        #expect(SchedulerHarness.grants(finished, to: "w1").isEmpty, "no new lease while draining")
        let left = h.handle(.bye(worker: "w1", released: [grants[1].taskID]))
        #expect(SchedulerHarness.writes(left).contains(.requeue(taskIDs: [grants[1].taskID], at: h.now)))
        #expect(h.counts().pending == 3 && h.counts().done == 1)
    }

    @Test func cancelWithdrawsPendingAndRevokesRunningTasks() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(trials: 2, subsets: 2)))
        let grants = h.join("w1", capacity: 1)
        #expect(grants.map(\.taskID) == ["a-t0-s0"])
        let effects = h.handle(.cancel(sweep: "a", trial: 0))
        #expect(effects.contains(.send(worker: "w1", .heartbeat(revoked: ["a-t0-s0"]))))
        #expect(h.counts(trial: 0).cancelled == 2)
        // The freed worker gets trial 1's tasks; a late result of the cancelled one is ignored.
        let late = h.handle(.results(worker: "w1", outcomes: [h.result(grants[0], worker: "w1")]))
        #expect(!SchedulerHarness.writes(late).contains { if case .result = $0 { return true } else { return false } })
        #expect(h.counts(trial: 1).leased == 1)
        // Retry makes them pending again with a fresh budget.
        h.handle(.retry(sweep: "a", trial: 0, reason: nil))
        #expect(h.counts(trial: 0).pending == 2 && h.counts(trial: 0).cancelled == 0)
    }

    @Test func acceptedResultsSayWhichRunTheyAreAndAStopRuleCancelsWithItsReason() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(trials: 2, subsets: 2)))
        let grants = h.join("w1", capacity: 1)
        let finished = h.handle(.results(worker: "w1", outcomes: [h.result(grants[0], worker: "w1")]))
        #expect(finished.contains(.accepted(ResultLocation(taskID: "a-t0-s0", sweep: "a", trial: 0, subset: 0))))
        let stopped = h.handle(.cancel(sweep: "a", trial: 0, reason: "stopped by estimator.stop_when: test"))
        let ids = ["a-t0-s1"]
        #expect(SchedulerHarness.writes(stopped).contains(.cancel(taskIDs: ids, at: h.now, reason: "stopped by estimator.stop_when: test")))
        #expect(h.counts(trial: 0).cancelled == 1 && h.counts(trial: 1).cancelled == 0)
        // A forged or stale result is acknowledged but never reported as accepted.
        let stale = h.handle(.results(worker: "w1", outcomes: [h.result(grants[0], worker: "w1")]))
        #expect(!stale.contains { if case .accepted = $0 { true } else { false } })
    }

    @Test func higherPriorityFirstThenSubmissionOrder() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission("low", subsets: 2, priority: 0)))
        h.handle(.submit(SchedulerHarness.submission("later", subsets: 2, priority: 0)))
        h.handle(.submit(SchedulerHarness.submission("urgent", subsets: 1, priority: 5)))
        let grants = h.join("w1", capacity: 4)
        #expect(grants.map(\.sweep) == ["urgent", "low", "low", "later"])
    }

    @Test func aStalledCoordinatorDoesNotDeclareItsWorkersDead() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(subsets: 2)))
        #expect(h.join("w1").count == 1)
        _ = h.advance(1)
        // Ten seconds without a tick (the loop was busy): not the worker's silence.
        _ = h.advance(10)
        #expect(h.scheduler.connectedWorkers["w1"] != nil)
        #expect(h.counts().leased == 1)
        // Real silence still counts.
        for _ in 0..<6 { _ = h.advance(1) }
        #expect(h.scheduler.connectedWorkers["w1"] == nil)
    }

    @Test func aResultAfterAnAcceptedFailureOfTheSameAttemptIsRefused() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(subsets: 1)))
        let grant = h.join("w1")[0]
        let effects = h.handle(.results(worker: "w1", outcomes: [h.failure(grant, .transient, "flaky"), h.result(grant, worker: "w1")]))
        #expect(!SchedulerHarness.writes(effects).contains { if case .result = $0 { return true } else { return false } })
        #expect(h.counts().done == 0)
        // The next attempt's result is taken.
        let retried = SchedulerHarness.grants(effects, to: "w1")
        #expect(retried.map(\.attempt) == [2])
        h.handle(.results(worker: "w1", outcomes: [h.result(retried[0], worker: "w1")]))
        #expect(h.counts().done == 1)
    }

    @Test func aGrownSweepKeepsItsExclusions() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(subsets: 2)))
        let grant = h.join("stray", capacity: 1)[0]
        h.handle(.results(worker: "stray", outcomes: [h.failure(grant, .infrastructure, "dataset differs")]))
        h.handle(.submit(SchedulerHarness.submission(subsets: 4)))
        #expect(h.scheduler.exclusions(sweep: "a") == ["worker stray: dataset differs"])
        #expect(SchedulerHarness.grants(h.handle(.ready(worker: "stray", capacity: 1)), to: "stray").isEmpty)
    }

    @Test func aWorkerThatDiesAfterAStallIsStillFoundDeadOnTime() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(subsets: 2)))
        #expect(h.join("w1").count == 1)
        _ = h.advance(1)
        // A 10 s stall during which the worker's last heartbeat was handled just before the tick.
        h.now = h.now.addingTimeInterval(10)
        h.handle(.heartbeat(worker: "w1", running: []))
        _ = h.handle(.tick)
        #expect(h.scheduler.connectedWorkers["w1"]?.lastSeen == h.now, "not pushed into the future")
        // Then it dies: found after the ordinary timeout, not the timeout plus the stall.
        for _ in 0..<6 { _ = h.advance(1) }
        #expect(h.scheduler.connectedWorkers["w1"] == nil)
    }
}

extension SchedulerTests {
    @Test func aCommandTrainersRetriesGiveDeterministicFailuresMoreAttempts() {
        var h = SchedulerHarness()
        var submission = SchedulerHarness.submission(subsets: 1)
        submission.retries = 2
        h.handle(.submit(submission))
        var grant = h.join("w1")[0]
        // Two retries: three attempts in all, then quarantined.
        for attempt in 1...3 {
            #expect(grant.attempt == attempt)
            let effects = h.handle(.results(worker: "w1", outcomes: [h.failure(grant, .deterministic, "exited with status 1")]))
            if attempt < 3 {
                #expect(h.counts().pending + h.counts().leased == 1)
                grant = SchedulerHarness.grants(effects, to: "w1")[0]
            }
        }
        #expect(h.counts().quarantined == 1 && h.counts().open == 0)
    }

    @Test func aRunKilledFromOutsideCountsTowardTheCrashBudgetEvenOnOneWorker() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(subsets: 1)))
        var grant = h.join("w1")[0]
        for kill in 1...3 {
            let effects = h.handle(.results(worker: "w1", outcomes: [h.failure(grant, .killed, "SIGKILL from outside")]))
            #expect(h.counts().quarantined == (kill == 3 ? 1 : 0))
            if kill < 3 { grant = SchedulerHarness.grants(effects, to: "w1")[0] }
        }
        // The worker itself is not excluded: it takes the next sweep's work.
        let next = h.handle(.submit(SchedulerHarness.submission("b", subsets: 1)))
        #expect(SchedulerHarness.grants(next, to: "w1").map(\.taskID) == ["b-t0-s0"])
    }
}

extension SchedulerTests {
    @Test func tasksThatNeedGPUsGoOnlyToWorkersThatHaveThem() {
        var h = SchedulerHarness()
        var gpuSweep = SchedulerHarness.submission("gpu", subsets: 2)
        gpuSweep.gpus = 1
        h.handle(.submit(gpuSweep))
        h.handle(.submit(SchedulerHarness.submission("cpu", subsets: 1)))
        // A worker without GPUs takes only the CPU sweep's task.
        #expect(h.join("plain", capacity: 3).map(\.sweep) == ["cpu"])
        // Nobody may take the GPU sweep: reported after the timeout, with the reason.
        for _ in 0..<31 {
            h.handle(.heartbeat(worker: "plain", running: []))
            _ = h.advance(1)
        }
        let starved = h.scheduler.starvedSweeps(at: h.now)
        #expect(starved.map(\.sweep) == ["gpu"])
        #expect(starved.first?.exclusions.first?.contains("needs 1 GPU(s)") == true, "\(starved)")
        // A worker with GPUs joins and takes them.
        h.handle(.hello(worker: "cuda", host: "h", pid: 2, running: [], gpus: 2))
        let grants = SchedulerHarness.grants(h.handle(.ready(worker: "cuda", capacity: 4)), to: "cuda")
        #expect(grants.map(\.sweep) == ["gpu", "gpu"])
        #expect(h.scheduler.starvedSweeps(at: h.now).isEmpty)
    }
}

extension SchedulerTests {
    @Test func aMalformedResultFromTheLeaseHolderFailsItsTaskInsteadOfLoopingForEver() {
        var h = SchedulerHarness()
        h.handle(.submit(SchedulerHarness.submission(subsets: 1)))
        let grant = h.join("w1")[0]
        // From another worker: ignored. From the holder, for another attempt: ignored.
        h.handle(.hello(worker: "w2", host: "h", pid: 2, running: []))
        h.handle(.results(worker: "w2", outcomes: [.malformed(taskID: grant.taskID, attempt: grant.attempt)]))
        h.handle(.results(worker: "w1", outcomes: [.malformed(taskID: grant.taskID, attempt: grant.attempt + 1)]))
        #expect(h.counts().leased == 1)
        h.handle(.results(worker: "w1", outcomes: [.malformed(taskID: grant.taskID, attempt: grant.attempt)]))
        #expect(h.counts().quarantined == 1 && h.counts().open == 0)
    }
}

extension SchedulerTests {
    @Test func eachFailureClassSpendsOnlyItsOwnBudget() {
        var h = SchedulerHarness()
        var submission = SchedulerHarness.submission(subsets: 1)
        submission.retries = 1
        h.handle(.submit(submission))
        var grant = h.join("w1")[0]
        // Two transient failures (budget 3), one kill (budget 3), one deterministic (retries 1): still open.
        for kind in [FailureKind.transient, .killed, .transient, .deterministic] {
            let effects = h.handle(.results(worker: "w1", outcomes: [h.failure(grant, kind)]))
            #expect(h.counts().open == 1, "after \(kind)")
            grant = SchedulerHarness.grants(effects, to: "w1")[0]
        }
        // The second deterministic failure spends the retry.
        h.handle(.results(worker: "w1", outcomes: [h.failure(grant, .deterministic)]))
        #expect(h.counts().quarantined == 1)
    }
}
