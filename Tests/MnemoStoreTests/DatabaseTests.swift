import Foundation
import GRDB
import Testing

@testable import MnemoStore

/// Opening, migrating and sharing the database file, and how failures are reported.
@Suite struct DatabaseTests {}

extension DatabaseTests {
    @Test func migrationCreatesEveryTableInWALMode() throws {
        let db = try TestDatabase()
        let tables = ["sweep", "trial", "task", "result", "worker", "event", "artifact"]
        let (existing, taskIndexes, journalMode) = try db.store.pool.read { database in
            (
                try tables.filter { try database.tableExists($0) },
                try database.indexes(on: "task").map(\.name),
                try String.fetchOne(database, sql: "PRAGMA journal_mode")
            )
        }
        #expect(existing == tables)
        #expect(Set(taskIndexes).isSuperset(of: ["task_sweep_state", "task_sweep_trial"]))
        #expect(journalMode == "wal")
        // Opening again finds the migration applied and changes nothing.
        let reopened = try Store(path: db.path)
        #expect(try reopened.sweeps().isEmpty)
    }

    @Test func readOnlyOpenOfAMissingFileNamesThePath() throws {
        let db = try TestDatabase()
        let missing = db.directory.appendingPathComponent("absent.sqlite").path
        let error = try #require(throws: StoreError.self) { try Store.openReadOnly(path: missing) }
        #expect(error.reason == .missingDatabase)
        #expect(error.description == "no Mnemo database at \(missing)")
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test func readOnlyOpenRejectsAFileThatIsNotAMnemoDatabase() throws {
        let db = try TestDatabase()
        let text = db.directory.appendingPathComponent("notes.sqlite")
        try Data("not a database, just some text that is long enough to be a header".utf8).write(to: text)
        let error = try #require(throws: StoreError.self) { try Store.openReadOnly(path: text.path) }
        #expect(error.reason == .notMnemoDatabase)
        #expect(error.description.contains(text.path))

        let empty = db.directory.appendingPathComponent("empty.sqlite").path
        _ = try DatabaseQueue(path: empty)
        let emptyError = try #require(throws: StoreError.self) { try Store.openReadOnly(path: empty) }
        #expect(emptyError.reason == .notMnemoDatabase)
    }

    @Test func readOnlyStoreReadsWhileTheWriterIsOpenAndCannotWrite() throws {
        let db = try TestDatabase()
        try db.addSweep(trials: 1, subsets: 2)
        let reader = try Store.openReadOnly(path: db.path)
        #expect(reader.isReadOnly)
        #expect(try reader.progress(sweepID: "sweep-a").map(\.pending) == [2])

        let leased = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 1, workerID: "w1")
        _ = try db.store.commitResults([TestDatabase.result(for: leased[0])])
        #expect(try reader.progress(sweepID: "sweep-a").map(\.done) == [1])
        #expect(try reader.resultCount(sweepID: "sweep-a") == 1)

        let error = try #require(throws: StoreError.self) { try reader.requeueLeasedTasks() }
        #expect(error.reason == .readOnly)
        #expect(error.description.contains(db.path))
    }

    @Test func readOnlyStoreOpensAfterTheWriterHasClosed() throws {
        let directory = try TestDatabase()
        let path = directory.directory.appendingPathComponent("closed.sqlite").path
        do {
            let writer = try Store(path: path)
            try directory.addSweep(trials: 1, subsets: 1, on: writer)
        }
        let reader = try Store.openReadOnly(path: path)
        #expect(try reader.sweeps().map(\.id) == ["sweep-a"])
    }

    @Test func diskFullNamesTheBatchAndWritesNothing() throws {
        let db = try TestDatabase()
        try db.addSweep(trials: 1, subsets: 3)
        let leased = try db.store.leasePendingTasks(sweepID: "sweep-a", limit: 3, workerID: "w1")
        // Cap the file at its current size so the next large insert cannot allocate pages.
        try db.store.pool.write { database in
            let pages = try Int.fetchOne(database, sql: "PRAGMA page_count") ?? 0
            try database.execute(sql: "PRAGMA max_page_count = \(pages + 2)")
        }
        let results = leased.map { TestDatabase.result(for: $0, trainBytes: 200_000) }
        let error = try #require(throws: StoreError.self) { try db.store.commitResults(results) }
        #expect(error.reason == .diskFull)
        #expect(error.description == "database \(db.path): disk full while committing 3 results; nothing was written")
        #expect(try db.store.resultCount(sweepID: "sweep-a") == 0)
        #expect(try db.store.tasks(sweepID: "sweep-a").allSatisfy { $0.state == .leased })
    }

    @Test func writesThatBreakTheSchemaRollBackAndNameTheOperation() throws {
        let db = try TestDatabase()
        let orphan = TaskRecord(
            id: "t", sweepID: "nowhere", trialIndex: 0, subsetIndex: 0, seed: 1, specJSON: "{}",
            createdAt: TestDatabase.t0)
        let error = try #require(throws: StoreError.self) { try db.store.insertTasksIfAbsent([orphan]) }
        #expect(error.reason == .sqlite)
        #expect(error.description.hasPrefix("database \(db.path): inserting 1 tasks failed; nothing was written"))
        #expect(error.sqliteCode != nil)
    }
}
