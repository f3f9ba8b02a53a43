import Foundation
import MnemoStore
import Testing

/// The store's task state machine and its persistence, each test on a fresh database.
@Suite struct StoreTests {}

extension StoreTests {
    @Test func resubmittingASweepKeepsFinishedWork() throws {
        let db = try TestDatabase()
        let tasks = try db.addSweep(trials: 2, subsets: 3)
        let leased = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "w1")
        #expect(try db.store.commitResults([TestDatabase.result(for: leased[0])]) == [.accepted])

        let sweepAgain = SweepRecord(id: "sweep-a", name: "renamed", specYAML: "x", seed: 1, createdAt: Date())
        #expect(try db.store.registerSweep(sweepAgain) == false)
        #expect(try db.store.sweeps().map(\.name) == ["test sweep-a"])
        #expect(try db.store.insertTasksIfAbsent(tasks) == 0)

        let done = try #require(try db.store.task(id: leased[0].id))
        #expect(done.state == .done)
        #expect(done.attempt == 1)
        #expect(try db.store.tasks(sweepID: "sweep-a").count == 6)
        #expect(try db.store.resultCount(sweepID: "sweep-a") == 1)
    }

    @Test func openTasksComeInTrialThenSubsetOrderAndLeaseWritesRecordTheHolder() throws {
        let db = try TestDatabase()
        try db.addSweep(trials: 2, subsets: 2)
        let first = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 3, workerID: "w1")
        #expect(first.map { [$0.trialIndex, $0.subsetIndex] } == [[0, 0], [0, 1], [1, 0]])
        #expect(first.allSatisfy { $0.state == .leased && $0.attempt == 1 && $0.workerID == "w1" })
        #expect(try db.store.task(id: first[2].id) == first[2])

        let rest = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 3, workerID: "w2")
        #expect(rest.map(\.id) == [TestDatabase.taskID(trial: 1, subset: 1)])
        #expect(
            try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 3, workerID: "w2").isEmpty)
        #expect(try db.store.leasePendingTasks(sweepID: "other", limit: 3, workerID: "w2").isEmpty)
    }

    @Test func committingAResultMarksTheTaskDoneAndCountsItForTheWorker() throws {
        let db = try TestDatabase()
        try db.addSweep(trials: 1, subsets: 2)
        try db.store.upsertWorker(id: "w1", host: "node1", pid: 42, seenAt: TestDatabase.t0)
        let leased = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 2, workerID: "w1")
        let outcomes = try db.store.commitResults(leased.map { TestDatabase.result(for: $0) })
        #expect(outcomes == [.accepted, .accepted])

        let task = try #require(try db.store.task(id: leased[1].id))
        #expect(task.state == .done)
        #expect(task.workerID == nil && task.leaseDeadline == nil)
        #expect(try db.store.workers().map(\.tasksDone) == [2])
        #expect(try db.store.progress(sweepID: "sweep-a").map(\.done) == [2])
    }

    @Test func resultForAnOlderAttemptIsIgnored() throws {
        let db = try TestDatabase()
        try db.addSweep(trials: 1, subsets: 1)
        let firstLease = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "w1")
        try db.store.apply([.requeue(taskIDs: [firstLease[0].id], at: TestDatabase.t0)])
        let secondLease = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "w2")
        #expect(secondLease[0].attempt == 2)

        let late = TestDatabase.result(for: firstLease[0], workerID: "w1")
        #expect(try db.store.commitResults([late]) == [.staleAttempt])
        #expect(try db.store.task(id: firstLease[0].id)?.state == .leased)
        #expect(try db.store.resultCount(sweepID: "sweep-a") == 0)

        let current = TestDatabase.result(for: secondLease[0], workerID: "w2")
        #expect(try db.store.commitResults([current]) == [.accepted])
    }

    @Test func resultForANeverLeasedTaskIsIgnored() throws {
        let db = try TestDatabase()
        let tasks = try db.addSweep(trials: 1, subsets: 1)
        #expect(try db.store.commitResults([TestDatabase.result(for: tasks[0])]) == [.staleAttempt])
        #expect(try db.store.task(id: tasks[0].id)?.state == .pending)
    }

    @Test func duplicateResultsForADoneTaskAreIgnored() throws {
        let db = try TestDatabase()
        try db.addSweep(trials: 1, subsets: 1)
        let leased = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "w1")
        let result = TestDatabase.result(for: leased[0])
        var duplicate = result
        duplicate.trainBits = Data([0xFF])

        #expect(try db.store.commitResults([result, duplicate]) == [.accepted, .alreadyDone])
        #expect(try db.store.commitResults([duplicate]) == [.alreadyDone])
        var stored: [Data] = []
        try db.store.forEachResult(sweepID: "sweep-a", trialIndex: 0) { stored.append($0.trainBits) }
        #expect(stored == [result.trainBits])
    }

    @Test func unknownTaskIsReportedWithoutFailingTheBatch() throws {
        let db = try TestDatabase()
        try db.addSweep(trials: 1, subsets: 1)
        let leased = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "w1")
        var stranger = TestDatabase.result(for: leased[0])
        stranger.taskID = "no-such-task"
        #expect(
            try db.store.commitResults([stranger, TestDatabase.result(for: leased[0])]) == [.unknownTask, .accepted])
    }

    @Test func restartRequeuesLeasesKeepingAttemptsSoAnInFlightResultIsAcceptedOnce() throws {
        let db = try TestDatabase()
        try db.addSweep(trials: 1, subsets: 2)
        let leased = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 2, workerID: "w1")

        let restarted = try Store(path: db.path)
        #expect(try restarted.requeueLeasedTasks() == 2)
        let requeued = try #require(try restarted.task(id: leased[0].id))
        #expect(requeued.state == .pending)
        #expect(requeued.attempt == 1)
        #expect(requeued.workerID == "w1", "the holder of the attempt is kept, so only its result is accepted")

        let inFlight = TestDatabase.result(for: leased[0])
        #expect(try restarted.commitResults([inFlight]) == [.accepted])
        #expect(try restarted.commitResults([inFlight]) == [.alreadyDone])
        let next = try restarted.leasePendingTasks(sweepID: "sweep-a", limit: 5, workerID: "w2")
        #expect(next.map(\.id) == [leased[1].id])
        #expect(next[0].attempt == 2)
    }

    @Test func progressCountsEveryStatePerTrial() throws {
        let db = try TestDatabase()
        try db.addSweep(trials: 2, subsets: 3)
        try db.store.insertTrials([TrialRecord(sweepID: "sweep-a", trialIndex: 2, name: "empty", paramsJSON: "{}")])
        // Trial 0: one done, one quarantined, one leased after a failure. Trial 1: one leased, two pending.
        let lease = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 4, workerID: "w1")
        _ = try db.store.commitResults([TestDatabase.result(for: lease[0])])
        try db.store.apply([
            .failure(taskID: lease[1].id, state: .quarantined, failures: 1, reason: "boom", at: TestDatabase.t0),
            .failure(taskID: lease[2].id, state: .pending, failures: 1, reason: "boom", at: TestDatabase.t0),
        ])
        _ = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "w1")

        let progress = try db.store.progress(sweepID: "sweep-a")
        #expect(
            progress == [
                TrialProgress(
                    trialIndex: 0, name: "trial 0", total: 3, pending: 0, leased: 1, done: 1, quarantined: 1,
                    retrying: 1),
                TrialProgress(
                    trialIndex: 1, name: "trial 1", total: 3, pending: 2, leased: 1, done: 0, quarantined: 0,
                    retrying: 0),
                TrialProgress(
                    trialIndex: 2, name: "empty", total: 0, pending: 0, leased: 0, done: 0, quarantined: 0,
                    retrying: 0),
            ])
        #expect(progress.map(\.isComplete) == [false, false, true])
        #expect(try db.store.progress(sweepID: "unknown").isEmpty)
    }

    @Test func resultsStreamInSubsetOrderWithTheirData() throws {
        let db = try TestDatabase()
        try db.addSweep(trials: 2, subsets: 4)
        let lease = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 8, workerID: "w1")
        // Commit trial 1 in reverse order to show the read orders by subset, not by arrival.
        let results = lease.reversed().map { TestDatabase.result(for: $0, trainBytes: 7_500) }
        #expect(try db.store.commitResults(results) == Array(repeating: .accepted, count: 8))

        var rows: [ResultRow] = []
        try db.store.forEachResult(sweepID: "sweep-a", trialIndex: 1) { rows.append($0) }
        #expect(rows.map(\.subsetIndex) == [0, 1, 2, 3])
        #expect(rows.map(\.seed) == [100, 101, 102, 103])
        for row in rows {
            let task = try #require(lease.first { $0.id == row.taskID })
            let expected = TestDatabase.result(for: task, trainBytes: 7_500)
            #expect(row.trainBits == expected.trainBits)
            #expect(row.testBits == expected.testBits)
            #expect(row.subsetAccuracy == expected.subsetAccuracy)
            #expect(row.attempt == 1 && row.epochs == 3 && row.workerID == "w1")
            #expect(row.receivedAt == expected.receivedAt)
        }
        #expect(try db.store.resultCount(sweepID: "sweep-a", trialIndex: 1) == 4)

        struct Stop: Error {}
        var seen = 0
        #expect(throws: Stop.self) {
            try db.store.forEachResult(sweepID: "sweep-a", trialIndex: 0) { _ in
                seen += 1
                throw Stop()
            }
        }
        #expect(seen == 1)
    }

    @Test func seedsKeepAllSixtyFourBits() throws {
        let db = try TestDatabase()
        let sweep = SweepRecord(id: "s", name: "n", specYAML: "", seed: .max, createdAt: TestDatabase.t0)
        try db.store.registerSweep(sweep)
        try db.store.insertTrials([TrialRecord(sweepID: "s", trialIndex: 0, name: "t", paramsJSON: "{}")])
        let task = TaskRecord(
            id: "t", sweepID: "s", trialIndex: 0, subsetIndex: 0, seed: 1 << 63 | 5, specJSON: "{}",
            createdAt: TestDatabase.t0)
        try db.store.insertTasksIfAbsent([task])
        #expect(try db.store.sweep(id: "s") == sweep)
        #expect(try db.store.task(id: "t")?.seed == 1 << 63 | 5)
    }

    @Test func artifactsRoundTripAndAreReplaced() throws {
        let db = try TestDatabase()
        try db.addSweep(trials: 1, subsets: 1)
        #expect(try db.store.artifact(sweepID: "sweep-a", name: "labels") == nil)
        try db.store.putArtifact(sweepID: "sweep-a", name: "labels", data: Data([1, 2, 3]))
        try db.store.putArtifact(sweepID: "sweep-a", name: "flips", data: Data([9]))
        try db.store.putArtifact(sweepID: "sweep-a", name: "labels", data: Data([4, 5]))
        #expect(try db.store.artifact(sweepID: "sweep-a", name: "labels") == Data([4, 5]))
        #expect(try db.store.artifact(sweepID: "sweep-a", name: "flips") == Data([9]))
    }

    @Test func workersAndEventsAreRecorded() throws {
        let db = try TestDatabase()
        let t0 = TestDatabase.t0
        try db.store.upsertWorker(id: "w1", host: "a", pid: 1, seenAt: t0)
        try db.store.upsertWorker(id: "w2", host: "b", pid: 2, seenAt: t0.addingTimeInterval(1))
        try db.store.upsertWorker(id: "w1", host: "a2", pid: 3, seenAt: t0.addingTimeInterval(5))
        let workers = try db.store.workers()
        #expect(workers.map(\.id) == ["w1", "w2"])
        #expect(
            workers[0]
                == WorkerRecord(
                    id: "w1", host: "a2", pid: 3, firstSeen: t0, lastSeen: t0.addingTimeInterval(5), tasksDone: 0))

        try db.store.apply([
            .event(kind: "worker-joined", message: "w1 joined", taskID: nil, workerID: "w1", at: t0),
            .event(kind: "task-quarantined", message: "gave up", taskID: "x", workerID: nil, at: t0),
        ])
        let events = try db.store.recentEvents(limit: 5)
        #expect(events.map(\.kind) == ["task-quarantined", "worker-joined"])
        #expect(events[1].workerID == "w1" && events[1].message == "w1 joined" && events[1].id != nil)
    }
}
