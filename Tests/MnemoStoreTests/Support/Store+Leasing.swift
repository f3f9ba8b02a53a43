import Foundation
import MnemoStore

extension Store {
    /// Leases up to `limit` pending tasks of a sweep to a worker in (trial, subset) order, through the
    /// same ``Store/apply(_:)`` writes a coordinator's scheduler makes, and returns them as stored.
    func leasePendingTasks(sweepID: String, limit: Int, workerID: String) throws -> [TaskRecord] {
        let pending = try openTasks(sweepID: sweepID).filter { $0.state == .pending }.prefix(limit)
        try apply(pending.map { .lease(taskID: $0.id, attempt: $0.attempt + 1, worker: workerID, at: TestDatabase.t0) })
        return try pending.compactMap { try task(id: $0.id) }
    }

    /// Commits results as a scheduler does, one ``StoreWrite/result(_:)`` each, in one transaction.
    func commitResults(_ results: [ResultRecord]) throws -> [CommitOutcome] {
        try apply(results.map { .result($0) })
    }
}
