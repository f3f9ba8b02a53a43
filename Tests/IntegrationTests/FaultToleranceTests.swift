import Foundation
import MnemoStore
import MnemoTestSupport
import Testing

/// Processes die at the worst moment; the sweep must still finish with exactly one result per task.
@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: SweepFixture.fashionMNISTDirectory)))
struct FaultToleranceTests {
    /// A sweep slow enough (in a debug build) to kill something while it runs.
    static let sweep = SweepFixture.tiny(name: "faults", subsets: 30, trainLimit: 1000, hidden: 64, maxEpochs: 12)

    static func doneCount(_ path: String) -> Int {
        guard FileManager.default.fileExists(atPath: path),
            let store = try? Store.openReadOnly(path: path),
            let progress = try? store.progress(sweepID: "faults")
        else { return 0 }
        return progress.reduce(0) { $0 + $1.done }
    }

    /// Starts a coordinator on a free loopback port and returns it with the endpoint it bound.
    static func startCoordinator(sweep: String, db: String, in dir: TemporaryDirectory) throws -> (MnemoProcess, String) {
        try startCoordinator(["coordinator", sweep, "--bind", "tcp://127.0.0.1:*", "--db", db], in: dir)
    }

    /// Starts `mnemo arguments…` (a coordinator bound to `tcp://127.0.0.1:*`) and returns it with the
    /// endpoint it says it serves on.
    static func startCoordinator(_ arguments: [String], in dir: TemporaryDirectory) throws -> (MnemoProcess, String) {
        let coordinator = try MnemoProcess(arguments, in: dir, label: "coordinator")
        var endpoint: String?
        _ = eventually(timeout: 60) {
            endpoint = coordinator.standardError.split(separator: "\n")
                .first { $0.contains("serving sweep") }
                .flatMap { $0.split(separator: " ").last.map(String.init) }
            return endpoint != nil || !coordinator.isRunning
        }
        guard let endpoint else {
            throw TestFailure("coordinator did not start: \(coordinator.standardError)")
        }
        return (coordinator, endpoint)
    }

    @Test func aWorkerKilledMidRunLosesItsLeaseAndTheSweepCompletes() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep, to: "faults.yaml")
        let db = dir.path("faults.sqlite")
        let (coordinator, endpoint) = try Self.startCoordinator(sweep: sweep, db: db, in: dir)
        let doomed = try MnemoProcess(["worker", "--connect", endpoint, "--id", "doomed"], in: dir, label: "doomed")
        let survivor = try MnemoProcess(["worker", "--connect", endpoint, "--id", "survivor"], in: dir, label: "survivor")
        #expect(eventually(timeout: 120) { Self.doneCount(db) >= 4 })
        doomed.kill(SIGKILL)
        #expect(Self.doneCount(db) < 30, "the worker must die while tasks remain")
        #expect(coordinator.wait(timeout: 300) == 0, "\(coordinator.standardError)")
        #expect(survivor.wait(timeout: 30) == 0, "the survivor should leave on the coordinator's goodbye")

        let store = try Store.openReadOnly(path: db)
        let tasks = try store.tasks(sweepID: "faults")
        #expect(tasks.count == 30)
        #expect(tasks.allSatisfy { $0.state == .done })
        #expect(try store.resultCount(sweepID: "faults") == 30)
        #expect(coordinator.standardError.contains("worker doomed left"))
    }

    @Test func aKilledCoordinatorResumesWithoutRetrainingAndGivesTheSameScores() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep, to: "faults.yaml")

        // Reference: the same sweep, uninterrupted.
        let reference = try MnemoProcess.run(
            ["run", sweep, "--db", dir.path("reference.sqlite"), "--workers", "2", "--quiet"], in: dir, label: "reference")
        #expect(reference.status == 0, "\(reference.stderr)")

        let db = dir.path("interrupted.sqlite")
        let first = try MnemoProcess(["run", sweep, "--db", db, "--workers", "2"], in: dir, label: "first")
        #expect(eventually(timeout: 120) { Self.doneCount(db) >= 8 })
        first.kill(SIGKILL)
        // The orphaned workers notice their parent is gone and leave.
        #expect(eventually(timeout: 10) { !Self.processes(named: "--parent-pid \(first.pid)") })

        let before = try Store.openReadOnly(path: db)
        let finished = try before.tasks(sweepID: "faults").filter { $0.state == .done }
        var resultsBefore: [String: Date] = [:]
        try before.forEachResult(sweepID: "faults", trialIndex: 0) { resultsBefore[$0.taskID] = $0.receivedAt }
        #expect(finished.count >= 8 && finished.count < 30)
        #expect(resultsBefore.count == finished.count)

        let second = try MnemoProcess.run(["run", sweep, "--db", db, "--workers", "2"], in: dir, label: "second")
        #expect(second.status == 0, "\(second.stderr)")
        let after = try Store.openReadOnly(path: db)
        var resultsAfter: [String: Date] = [:]
        try after.forEachResult(sweepID: "faults", trialIndex: 0) { resultsAfter[$0.taskID] = $0.receivedAt }
        #expect(resultsAfter.count == 30)
        // Not one finished task was trained again: their results are the very rows stored before.
        let retrained = resultsBefore.filter { resultsAfter[$0.key] != $0.value }
        #expect(retrained.isEmpty)
        #expect(second.stderr.contains("\(finished.count) of 30 tasks already done"))

        for (label, path) in [("reference", "reference.sqlite"), ("resumed", "interrupted.sqlite")] {
            let export = try MnemoProcess.run(["export", dir.path(path), "--out", dir.path(label)], in: dir, label: "export-\(label)")
            #expect(export.status == 0, "\(export.stderr)")
        }
        for file in ["memorization.csv", "influence_top.csv", "entropy.csv"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: dir.path("reference/\(file)")))
            let b = try Data(contentsOf: URL(fileURLWithPath: dir.path("resumed/\(file)")))
            #expect(a == b, "\(file) differs between the uninterrupted and the resumed run")
        }
    }

    @Test func aWorkerStartedSeparatelyJoinsOverTCPAndCompletesTheStoredTasks() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(SweepFixture.tiny(name: "faults", subsets: 6), to: "faults.yaml")
        let db = dir.path("joined.sqlite")
        let (coordinator, endpoint) = try Self.startCoordinator(sweep: sweep, db: db, in: dir)
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        let worker = try MnemoProcess(["worker", "--connect", endpoint, "--id", "joiner"], in: dir, label: "worker")
        #expect(coordinator.wait(timeout: 300) == 0, "\(coordinator.standardError)")
        #expect(worker.wait(timeout: 30) == 0, "\(worker.standardError)")
        let store = try Store.openReadOnly(path: db)
        #expect(try store.resultCount(sweepID: "faults") == 6)
        #expect(try store.workers().map(\.id) == ["joiner"])
        #expect(try store.workers().first?.tasksDone == 6)
    }

    /// Whether any process has `fragment` in its command line.
    static func processes(named fragment: String) -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.contains { entry in
            guard Int(entry) != nil,
                let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline")
            else { return false }
            let command = String(decoding: raw.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return command.contains(fragment)
        }
    }
}
