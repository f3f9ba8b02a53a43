import Foundation
import MnemoStore

/// A fresh database in its own temporary directory, removed when the value is released.
final class TestDatabase {
    let directory: URL
    let path: String
    let store: Store

    /// A fixed clock: GRDB stores dates to the millisecond, so tests use whole seconds.
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mnemo-store-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("test.sqlite").path
        store = try Store(path: path)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Registers sweep `sweepID` with `trials` trials of `subsets` tasks each, all pending; task ids
    /// are `"<sweepID>-t<trial>-s<subset>"`.
    @discardableResult
    func addSweep(_ sweepID: String = "sweep-a", trials: Int, subsets: Int, on target: Store? = nil) throws
        -> [TaskRecord]
    {
        let store = target ?? self.store
        try store.registerSweep(
            SweepRecord(id: sweepID, name: "test \(sweepID)", specYAML: "name: test", seed: 7, createdAt: Self.t0))
        try store.insertTrials(
            (0..<trials).map { trial in
                TrialRecord(
                    sweepID: sweepID, trialIndex: trial, name: "trial \(trial)", paramsJSON: "{\"lr\": \(trial)}")
            })
        let tasks = (0..<trials).flatMap { trial in
            (0..<subsets).map { subset in
                TaskRecord(
                    id: Self.taskID(sweepID, trial: trial, subset: subset), sweepID: sweepID, trialIndex: trial,
                    subsetIndex: subset, seed: UInt64(100 * trial + subset), specJSON: "{}", createdAt: Self.t0)
            }
        }
        try store.insertTasksIfAbsent(tasks)
        return tasks
    }

    static func taskID(_ sweepID: String = "sweep-a", trial: Int, subset: Int) -> String {
        "\(sweepID)-t\(trial)-s\(subset)"
    }

    /// A result for `task`'s attempt whose bits encode the task, so reads can be checked.
    static func result(
        for task: TaskRecord, attempt: Int? = nil, workerID: String = "w1", trainBytes: Int = 4
    ) -> ResultRecord {
        ResultRecord(
            taskID: task.id, attempt: attempt ?? task.attempt, workerID: workerID,
            trainBits: Data((0..<trainBytes).map { UInt8(truncatingIfNeeded: task.subsetIndex &* 31 &+ $0) }),
            testBits: Data([UInt8(task.trialIndex), UInt8(task.subsetIndex)]),
            subsetAccuracy: 0.5 + Double(task.subsetIndex) / 100, testAccuracy: 0.25, epochs: 3, seconds: 1.5,
            receivedAt: t0.addingTimeInterval(60))
    }
}
