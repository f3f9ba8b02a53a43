import GRDB

/// The database schema as an ordered list of migrations. A migration, once released, never changes:
/// later schema changes are new migrations appended here.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: createVersion1)
        migrator.registerMigration("v2", migrate: migrateToVersion2)
        migrator.registerMigration("v3", migrate: migrateToVersion3)
        migrator.registerMigration("v4", migrate: migrateToVersion4)
        return migrator
    }

    private static func createVersion1(_ db: Database) throws {
        try db.create(table: "sweep") { t in
            t.primaryKey("id", .text)
            t.column("name", .text).notNull()
            t.column("specYAML", .text).notNull()
            t.column("seed", .integer).notNull()
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(table: "trial") { t in
            t.column("sweepID", .text).notNull().references("sweep")
            t.column("trialIndex", .integer).notNull()
            t.column("name", .text).notNull()
            t.column("paramsJSON", .text).notNull()
            t.primaryKey(["sweepID", "trialIndex"])
        }
        try createTaskTable(db, named: "task", states: ["pending", "leased", "done", "quarantined"], crashBudget: false)
        // Leasing scans pending tasks of a sweep in (trialIndex, subsetIndex) order.
        try db.create(
            index: "task_sweep_state", on: "task", columns: ["sweepID", "state", "trialIndex", "subsetIndex"])
        // Aggregation reads the results of one trial in subset order.
        try db.create(index: "task_sweep_trial", on: "task", columns: ["sweepID", "trialIndex", "subsetIndex"])
        try db.create(table: "result") { t in
            t.primaryKey("taskID", .text).references("task")
            t.column("attempt", .integer).notNull()
            t.column("workerID", .text).notNull()
            t.column("trainBits", .blob).notNull()
            t.column("testBits", .blob).notNull()
            t.column("subsetAccuracy", .double).notNull()
            t.column("testAccuracy", .double).notNull()
            t.column("epochs", .integer).notNull()
            t.column("seconds", .double).notNull()
            t.column("receivedAt", .datetime).notNull()
        }
        try db.create(table: "worker") { t in
            t.primaryKey("id", .text)
            t.column("host", .text).notNull()
            t.column("pid", .integer).notNull()
            t.column("firstSeen", .datetime).notNull()
            t.column("lastSeen", .datetime).notNull()
            t.column("tasksDone", .integer).notNull()
        }
        try db.create(table: "event") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("time", .datetime).notNull()
            t.column("kind", .text).notNull()
            t.column("message", .text).notNull()
            t.column("taskID", .text)
            t.column("workerID", .text)
        }
        try db.create(table: "artifact") { t in
            t.column("sweepID", .text).notNull().references("sweep")
            t.column("name", .text).notNull()
            t.column("blob", .blob).notNull()
            t.primaryKey(["sweepID", "name"])
        }
    }

    /// Version 2: a sweep records its dataset's content hash (its identity) and priority; tasks can be
    /// cancelled, and remember the distinct workers that died holding them (the crash budget). SQLite
    /// cannot change a CHECK constraint in place, so the task table is rebuilt (foreign keys are
    /// checked once the migration ends).
    private static func migrateToVersion2(_ db: Database) throws {
        try db.alter(table: "sweep") { t in
            t.add(column: "datasetSHA256", .text).notNull().defaults(to: "")
            t.add(column: "priority", .integer).notNull().defaults(to: 0)
        }
        try createTaskTable(
            db, named: "task_v2", states: ["pending", "leased", "done", "quarantined", "cancelled"], crashBudget: true)
        try db.execute(
            sql: """
                INSERT INTO task_v2 (id, sweepID, trialIndex, subsetIndex, seed, specJSON, state, attempt, workerID,
                    leaseDeadline, failures, lastError, updatedAt)
                SELECT id, sweepID, trialIndex, subsetIndex, seed, specJSON, state, attempt, workerID,
                    leaseDeadline, failures, lastError, updatedAt FROM task
                """)
        try db.drop(table: "task")
        try db.rename(table: "task_v2", to: "task")
        try db.create(
            index: "task_sweep_state", on: "task", columns: ["sweepID", "state", "trialIndex", "subsetIndex"])
        try db.create(index: "task_sweep_trial", on: "task", columns: ["sweepID", "trialIndex", "subsetIndex"])
    }

    /// Version 3: results carry their further scalar metrics (JSON) and their per-example float
    /// arrays, one row per array (`margin_train`, …).
    private static func migrateToVersion3(_ db: Database) throws {
        try db.alter(table: "result") { t in
            t.add(column: "metrics", .text)
        }
        try db.create(table: "result_array") { t in
            t.column("taskID", .text).notNull().references("result", onDelete: .cascade)
            t.column("name", .text).notNull()
            t.column("shape", .text).notNull()
            t.column("data", .blob).notNull()
            t.primaryKey(["taskID", "name"])
        }
    }

    /// Version 4: the CURVE key each worker id belongs to (the key of its first `hello`), so that a
    /// restarted coordinator keeps refusing another key under that id.
    private static func migrateToVersion4(_ db: Database) throws {
        try db.create(table: "worker_key") { t in
            t.primaryKey("workerID", .text)
            t.column("publicKey", .text).notNull()
            t.column("since", .datetime).notNull()
        }
    }

    /// The task table as version 1 made it (`crashBudget` false) or as version 2 rebuilds it: the
    /// states its CHECK allows, and the `crashedWorkers` column.
    private static func createTaskTable(_ db: Database, named name: String, states: [String], crashBudget: Bool) throws {
        try db.create(table: name) { t in
            t.primaryKey("id", .text)
            t.column("sweepID", .text).notNull()
            t.column("trialIndex", .integer).notNull()
            t.column("subsetIndex", .integer).notNull()
            t.column("seed", .integer).notNull()
            t.column("specJSON", .text).notNull()
            t.column("state", .text).notNull()
                .check(sql: "state IN (\(states.map { "'\($0)'" }.joined(separator: ", ")))")
            t.column("attempt", .integer).notNull()
            t.column("workerID", .text)
            t.column("leaseDeadline", .datetime)
            t.column("failures", .integer).notNull()
            t.column("lastError", .text)
            t.column("updatedAt", .datetime).notNull()
            if crashBudget {
                t.column("crashedWorkers", .text).notNull().defaults(to: "")
            }
            t.foreignKey(["sweepID", "trialIndex"], references: "trial")
        }
    }
}
