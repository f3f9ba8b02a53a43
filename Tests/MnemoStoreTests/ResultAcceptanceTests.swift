import Foundation
import MnemoStore
import Testing

/// The store's last line of defence: a result is accepted only from the worker that holds (or last
/// held) its task's current attempt, and failure writes move tasks as the scheduler decided.
@Suite struct ResultAcceptanceTests {
    @Test func aPeerCannotCompleteAnotherWorkersTask() throws {
        let db = try TestDatabase()
        let tasks = try db.addSweep(trials: 1, subsets: 1)
        let leased = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "honest")
        #expect(try db.store.commitResults([TestDatabase.result(for: leased[0], workerID: "forger")]) == [.notLeaseHolder])
        #expect(try db.store.task(id: tasks[0].id)?.state == .leased)
        #expect(try db.store.commitResults([TestDatabase.result(for: leased[0], workerID: "honest")]) == [.accepted])
    }

    @Test func aResultInFlightWhenTheLeaseWasRequeuedIsAcceptedOnlyFromItsHolder() throws {
        let db = try TestDatabase()
        try db.addSweep(trials: 1, subsets: 1)
        let leased = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "w1")
        #expect(try db.store.requeueLeasedTasks() == 1)
        #expect(try db.store.commitResults([TestDatabase.result(for: leased[0], workerID: "w2")]) == [.notLeaseHolder])
        #expect(try db.store.commitResults([TestDatabase.result(for: leased[0], workerID: "w1")]) == [.accepted])
    }

    @Test func crashAndRetryWritesKeepTheCrashBudgetAndResetIt() throws {
        let db = try TestDatabase()
        let tasks = try db.addSweep(trials: 1, subsets: 1)
        _ = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "w3")
        try db.store.apply([
            .crash(taskID: tasks[0].id, state: .quarantined, crashedWorkers: ["w1", "w2", "w3"], reason: "kills its worker", at: TestDatabase.t0)
        ])
        var task = try #require(try db.store.task(id: tasks[0].id))
        #expect(task.state == .quarantined && task.crashedWorkers == "w1,w2,w3" && task.lastError == "kills its worker")
        #expect(try db.store.quarantineReasons(sweepID: "sweep-a").map(\.reason) == ["kills its worker"])
        try db.store.apply([.retry(taskIDs: [tasks[0].id], at: TestDatabase.t0)])
        task = try #require(try db.store.task(id: tasks[0].id))
        #expect(task.state == .pending && task.crashedWorkers.isEmpty && task.failures == 0 && task.lastError == nil)
        #expect(try db.store.openTasks(sweepID: "sweep-a").map(\.attempt) == [1], "the attempt number is kept")
    }
}
