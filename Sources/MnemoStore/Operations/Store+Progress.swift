import GRDB

extension Store {
    /// Task counts per trial of a sweep, in grid order. Trials without tasks are listed with zeros.
    ///
    /// - Throws: ``StoreError``.
    public func progress(sweepID: String) throws -> [TrialProgress] {
        try read("reading progress of sweep \(sweepID)") { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT trial.trialIndex, trial.name,
                        COUNT(task.id) AS total,
                        COALESCE(SUM(task.state = 'pending'), 0) AS pending,
                        COALESCE(SUM(task.state = 'leased'), 0) AS leased,
                        COALESCE(SUM(task.state = 'done'), 0) AS done,
                        COALESCE(SUM(task.state = 'quarantined'), 0) AS quarantined,
                        COALESCE(SUM(task.state = 'cancelled'), 0) AS cancelled,
                        COALESCE(SUM(task.failures > 0 AND task.state IN ('pending', 'leased')), 0) AS retrying
                    FROM trial
                    LEFT JOIN task ON task.sweepID = trial.sweepID AND task.trialIndex = trial.trialIndex
                    WHERE trial.sweepID = ?
                    GROUP BY trial.trialIndex
                    ORDER BY trial.trialIndex
                    """,
                arguments: [sweepID])
            return rows.map { row in
                var progress = TrialProgress(
                    trialIndex: row["trialIndex"], name: row["name"], total: row["total"],
                    pending: row["pending"], leased: row["leased"], done: row["done"],
                    quarantined: row["quarantined"], retrying: row["retrying"])
                progress.cancelled = row["cancelled"]
                return progress
            }
        }
    }
}
