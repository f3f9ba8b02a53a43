import Foundation
import GRDB
import MnemoTestSupport
import Testing

@testable import MnemoStore

/// A database written by the previous version (schema v1) opens, migrates and reads in one process.
@Suite struct MigrationTests {
    @Test func aVersion1DatabaseMigratesAndReadsInTheSameProcess() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("v1.sqlite")
        do {
            let queue = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(queue, upTo: "v1")
            try queue.write { db in
                try db.execute(
                    sql: "INSERT INTO sweep (id, name, specYAML, seed, createdAt) VALUES ('s', 's', '{}', 1, ?)",
                    arguments: [Date()])
                try db.execute(sql: "INSERT INTO trial (sweepID, trialIndex, name, paramsJSON) VALUES ('s', 0, 't', '{}')")
                try db.execute(
                    sql: """
                        INSERT INTO task (id, sweepID, trialIndex, subsetIndex, seed, specJSON, state, attempt, failures, updatedAt)
                        VALUES ('k', 's', 0, 0, 1, '{}', 'quarantined', 1, 3, ?)
                        """, arguments: [Date()])
            }
        }
        let store = try Store(path: path)
        let sweeps = try store.sweeps()
        #expect(sweeps.map(\.id) == ["s"] && sweeps[0].datasetSHA256.isEmpty && sweeps[0].priority == 0)
        let tasks = try store.openTasks(sweepID: "s")
        #expect(tasks.map(\.state) == [.quarantined] && tasks[0].failures == 3 && tasks[0].crashedWorkers.isEmpty)
        // The new state is allowed after the migration.
        try store.apply([.cancel(taskIDs: ["k"], at: Date()), .retry(taskIDs: ["k"], at: Date())])
        #expect(try store.openTasks(sweepID: "s").map(\.state) == [.pending])
    }

    /// A reader (`status`, `scores`) meeting a database of the previous schema upgrades it in place, unless
    /// a coordinator holds it; then it says what to do instead of calling it "not a Mnemo database".
    @Test func aReaderUpgradesAnOlderDatabaseUnlessACoordinatorHoldsIt() throws {
        let dir = try TemporaryDirectory()
        for name in ["free", "held"] {
            let queue = try DatabaseQueue(path: dir.path("\(name).sqlite"))
            try StoreSchema.migrator.migrate(queue, upTo: "v3")
        }
        let held = try DatabaseLock.acquire(databasePath: dir.path("held.sqlite"))
        #expect {
            try Store.openReadOnly(path: dir.path("held.sqlite"))
        } throws: { error in
            (error as? StoreError)?.reason == .olderSchema
                && "\(error)".contains("was written by an older Mnemo and cannot be upgraded now")
        }
        withExtendedLifetime(held) {}
        let store = try Store.openReadOnly(path: dir.path("free.sqlite"))
        #expect(try store.sweeps().isEmpty)
        let upgraded = try DatabaseQueue(path: dir.path("free.sqlite"))
        #expect(try upgraded.read { try StoreSchema.migrator.hasCompletedMigrations($0) })
        // Anything else still is not a Mnemo database.
        let other = try DatabaseQueue(path: dir.path("other.sqlite"))
        try other.write { try $0.execute(sql: "CREATE TABLE foo (x)") }
        #expect {
            try Store.openReadOnly(path: dir.path("other.sqlite"))
        } throws: { error in
            (error as? StoreError)?.reason == .notMnemoDatabase
        }
    }
}
