import Foundation
import MnemoStore
import Testing

/// Failures are told apart (deterministic, transient, infrastructure, worker deaths) and accepted only
/// from the worker that holds the lease.
@Suite struct FailureClassTests {
    static let deadline = TestDatabase.t0.addingTimeInterval(30)

    @Test func aDeterministicFailureQuarantinesAtOnce() throws {
        let db = try TestDatabase()
        let tasks = try db.addSweep(trials: 1, subsets: 1)
        _ = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "w1", deadline: Self.deadline)
        let outcome = try db.store.recordFailure(
            taskID: tasks[0].id, attempt: 1, workerID: "w1", kind: .deterministic, reason: "diverged", maxFailures: 3)
        #expect(outcome == .quarantined(failures: 1))
        #expect(try db.store.task(id: tasks[0].id)?.state == .quarantined)
    }

    @Test func anInfrastructureFailureReleasesTheTaskWithoutSpendingItsBudget() throws {
        let db = try TestDatabase()
        let tasks = try db.addSweep(trials: 1, subsets: 1)
        for attempt in 1...5 {
            _ = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "w\(attempt)", deadline: Self.deadline)
            let outcome = try db.store.recordFailure(
                taskID: tasks[0].id, attempt: attempt, workerID: "w\(attempt)", kind: .infrastructure,
                reason: "dataset differs", maxFailures: 1)
            #expect(outcome == .released)
        }
        let task = try #require(try db.store.task(id: tasks[0].id))
        #expect(task.state == .pending && task.failures == 0 && task.attempt == 5)
    }

    @Test func aPeerCannotFailOrCompleteAnotherWorkersTask() throws {
        let db = try TestDatabase()
        let tasks = try db.addSweep(trials: 1, subsets: 1)
        let leased = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "honest", deadline: Self.deadline)
        for _ in 0..<3 {
            let forged = try db.store.recordFailure(
                taskID: tasks[0].id, attempt: 1, workerID: "forger", kind: .deterministic, reason: "forged",
                maxFailures: 1)
            #expect(forged == .notLeaseHolder)
        }
        #expect(try db.store.commitResults([TestDatabase.result(for: leased[0], workerID: "forger")]) == [.notLeaseHolder])
        #expect(try db.store.task(id: tasks[0].id)?.state == .leased)
        #expect(try db.store.commitResults([TestDatabase.result(for: leased[0], workerID: "honest")]) == [.accepted])
    }

    @Test func aResultInFlightWhenTheLeaseWasRequeuedIsAcceptedOnlyFromItsHolder() throws {
        let db = try TestDatabase()
        try db.addSweep(trials: 1, subsets: 1)
        let leased = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "w1", deadline: Self.deadline)
        #expect(try db.store.requeueLeasedTasks() == 1)
        #expect(try db.store.commitResults([TestDatabase.result(for: leased[0], workerID: "w2")]) == [.notLeaseHolder])
        #expect(try db.store.commitResults([TestDatabase.result(for: leased[0], workerID: "w1")]) == [.accepted])
    }

    @Test func aTaskDuringWhichThreeDistinctWorkersDiedIsQuarantined() throws {
        let db = try TestDatabase()
        let tasks = try db.addSweep(trials: 1, subsets: 1)
        // The same worker dying twice counts once.
        for worker in ["w1", "w1", "w2"] {
            _ = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: worker, deadline: Self.deadline)
            #expect(try db.store.recordWorkerDeath(workerID: worker).isEmpty)
            #expect(try db.store.task(id: tasks[0].id)?.state == .pending)
        }
        _ = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "w3", deadline: Self.deadline)
        #expect(try db.store.recordWorkerDeath(workerID: "w3") == [tasks[0].id])
        let task = try #require(try db.store.task(id: tasks[0].id))
        #expect(task.state == .quarantined)
        #expect(task.failures == 0)
        #expect(task.lastError == "kills its worker (3 workers died running it; last: w3)")
    }

    @Test func handedBackLeasesReturnToPendingOnlyForTheirHolder() throws {
        let db = try TestDatabase()
        try db.addSweep(trials: 1, subsets: 2)
        let ofW1 = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "w1", deadline: Self.deadline)
        let ofW2 = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "w2", deadline: Self.deadline)
        #expect(try db.store.releaseTasks([ofW1[0].id, ofW2[0].id], workerID: "w1") == 1)
        #expect(try db.store.task(id: ofW1[0].id)?.state == .pending)
        #expect(try db.store.task(id: ofW2[0].id)?.state == .leased)
    }
}
