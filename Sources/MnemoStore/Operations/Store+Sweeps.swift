import Foundation
import GRDB

extension Store {
    /// Records a sweep, or does nothing if a sweep with the same id exists.
    ///
    /// - Returns: whether the sweep was new.
    /// - Throws: ``StoreError``.
    @discardableResult
    public func registerSweep(_ sweep: SweepRecord, registering marker: RegistrationMarker? = nil) throws -> Bool {
        try write("registering sweep \(sweep.id)") { db in
            try sweep.insert(db, onConflict: .ignore)
            let inserted = db.changesCount > 0
            // In the same transaction: a sweep row is never without its marker while tasks are missing.
            if let marker { try Self.markerRecord(sweepID: sweep.id, marker).upsert(db) }
            return inserted
        }
    }

    static func markerRecord(sweepID: String, _ marker: RegistrationMarker) throws -> ArtifactRecord {
        ArtifactRecord(sweepID: sweepID, name: RegistrationMarker.artifactName, blob: try JSONEncoder().encode(marker))
    }

    /// Records the trials of a registered sweep; trials that exist already are left as they are.
    ///
    /// - Returns: the number of trials inserted.
    /// - Throws: ``StoreError`` (also if a trial's sweep is not registered).
    @discardableResult
    public func insertTrials(_ trials: [TrialRecord]) throws -> Int {
        try write("inserting \(trials.count) trials") { db in
            var inserted = 0
            for trial in trials {
                try trial.insert(db, onConflict: .ignore)
                inserted += db.changesCount
            }
            return inserted
        }
    }

    /// Stores data derived when a sweep starts, replacing an artifact of the same name.
    ///
    /// - Throws: ``StoreError`` (also if the sweep is not registered).
    public func putArtifact(sweepID: String, name: String, data: Data) throws {
        try write("storing artifact \(name) of sweep \(sweepID)") { db in
            try ArtifactRecord(sweepID: sweepID, name: name, blob: data).upsert(db)
        }
    }

    /// Removes the artifact `name` of a sweep (nothing when there is none).
    ///
    /// - Throws: ``StoreError``.
    public func removeArtifact(sweepID: String, name: String) throws {
        try write("removing artifact \(name) of sweep \(sweepID)") { db in
            _ = try ArtifactRecord.deleteOne(db, key: ["sweepID": sweepID, "name": name])
        }
    }

    /// The artifact `name` of a sweep, or nil if there is none.
    ///
    /// - Throws: ``StoreError``.
    public func artifact(sweepID: String, name: String) throws -> Data? {
        try read("reading artifact \(name) of sweep \(sweepID)") { db in
            try ArtifactRecord.fetchOne(db, key: ["sweepID": sweepID, "name": name])?.blob
        }
    }

    /// Every registered sweep, oldest first.
    ///
    /// - Throws: ``StoreError``.
    public func sweeps() throws -> [SweepRecord] {
        try read("listing sweeps") { db in
            try SweepRecord.order(Column("createdAt"), Column("id")).fetchAll(db)
        }
    }

    /// The sweep with this id, or nil.
    ///
    /// - Throws: ``StoreError``.
    public func sweep(id: String) throws -> SweepRecord? {
        try read("reading sweep \(id)") { db in
            try SweepRecord.fetchOne(db, key: id)
        }
    }

    /// The sweep meant by `idOrName`: the one with that id, else the newest of that name (ids are
    /// unique; names repeat across `--new-sweep` sweeps); nil when none matches.
    ///
    /// - Throws: ``StoreError``.
    public func sweep(idOrName: String) throws -> SweepRecord? {
        let sweeps = try sweeps()
        return sweeps.first { $0.id == idOrName } ?? sweeps.last { $0.name == idOrName }
    }

    /// Replaces a stored sweep's spec (a sweep grown by more subsets or grid values).
    ///
    /// - Throws: ``StoreError``.
    public func updateSweepSpec(
        id: String, specYAML: String, datasetSHA256: String, registering marker: RegistrationMarker? = nil
    ) throws {
        try write("updating the spec of sweep \(id)") { db in
            try db.execute(
                sql: "UPDATE sweep SET specYAML = ?, datasetSHA256 = ? WHERE id = ?",
                arguments: [specYAML, datasetSHA256, id])
            // In the same transaction: a grown spec is never stored without the marker of its new tasks.
            if let marker { try Self.markerRecord(sweepID: id, marker).upsert(db) }
        }
    }

    /// Sets the priority of a sweep (higher first).
    ///
    /// - Throws: ``StoreError``.
    public func setSweepPriority(id: String, priority: Int) throws {
        try write("setting the priority of sweep \(id)") { db in
            try db.execute(sql: "UPDATE sweep SET priority = ? WHERE id = ?", arguments: [priority, id])
        }
    }

    /// Deletes a sweep with its trials, tasks, results and artifacts.
    ///
    /// - Returns: how many results were deleted with it.
    /// - Throws: ``StoreError``.
    @discardableResult
    public func deleteSweep(id: String) throws -> Int {
        try write("deleting sweep \(id)") { db in
            try db.execute(
                sql: "DELETE FROM result_array WHERE taskID IN (SELECT id FROM task WHERE sweepID = ?)", arguments: [id])
            try db.execute(
                sql: "DELETE FROM result WHERE taskID IN (SELECT id FROM task WHERE sweepID = ?)", arguments: [id])
            let results = db.changesCount
            try db.execute(sql: "DELETE FROM task WHERE sweepID = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM trial WHERE sweepID = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM artifact WHERE sweepID = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM sweep WHERE id = ?", arguments: [id])
            return results
        }
    }

    /// Copies the whole database into a new file at `path` with SQLite's online backup, which is
    /// consistent while a coordinator writes.
    ///
    /// - Throws: ``StoreError``.
    public func backup(to path: String) throws {
        do {
            let destination = try DatabaseQueue(path: path)
            try pool.backup(to: destination)
        } catch let error as DatabaseError {
            throw StoreError(error, operation: "backing up to \(path)", path: self.path, wasWrite: false)
        }
    }

    /// The trials of a sweep in grid order.
    ///
    /// - Throws: ``StoreError``.
    public func trials(sweepID: String) throws -> [TrialRecord] {
        try read("listing trials of sweep \(sweepID)") { db in
            try TrialRecord.filter(Column("sweepID") == sweepID).order(Column("trialIndex")).fetchAll(db)
        }
    }
}
