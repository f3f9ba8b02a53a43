import Foundation
import GRDB

/// What one write transaction accumulates across its results: each worker's count of accepted results
/// (written once at the end), and the dates already converted to their stored text.
///
/// A batch's writes share one or two instants; GRDB formats a `Date` through a `DateFormatter`, which
/// at thousands of results a second was a tenth of the commit.
struct CommitBatch {
    private(set) var doneByWorker: [String: Int] = [:]
    private var lastDate: (date: Date, value: DatabaseValue)?

    mutating func countAccepted(by worker: String) {
        doneByWorker[worker, default: 0] += 1
    }

    /// `date` as GRDB stores it.
    mutating func value(of date: Date) -> DatabaseValue {
        if let lastDate, lastDate.date == date { return lastDate.value }
        let value = date.databaseValue
        lastDate = (date, value)
        return value
    }

    /// Adds each worker's accepted results to its `tasksDone`, one statement per worker.
    func writeCounts(in db: Database) throws {
        for (worker, count) in doneByWorker {
            try db.cachedStatement(sql: "UPDATE worker SET tasksDone = tasksDone + ? WHERE id = ?")
                .execute(arguments: [count, worker])
        }
    }
}
