import Foundation
import MnemoCluster
import MnemoStore
import MnemoTestSupport
import Testing

/// Admin commands reach a running coordinator through the socket beside its database and change what
/// `status --json` says, as they claim.
@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: SweepFixture.fashionMNISTDirectory)))
struct AdminCommandTests {
    static func sweep(name: String, trials: Int = 1, subsets: Int) -> String {
        let grid = trials > 1 ? "\ngrid: {learning_rate: [\((1...trials).map { "0.0\($0)" }.joined(separator: ", "))]}" : ""
        return WorkerLifecycleTests.sweep(subsets: subsets).replacingOccurrences(of: "name: faults", with: "name: \(name)") + grid
    }

    /// `mnemo status DB --json`, parsed.
    static func status(_ db: String, in dir: TemporaryDirectory) throws -> [String: Any] {
        let run = try MnemoProcess.run(["status", db, "--json"], in: dir, label: "status", timeout: 30)
        guard run.status == 0, let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        else { throw TestFailure("status --json failed: \(run.stderr)") }
        return object
    }

    static func tasks(_ status: [String: Any], sweep: String) -> [String: Int] {
        let sweeps = status["sweeps"] as? [[String: Any]] ?? []
        return sweeps.first { $0["id"] as? String == sweep }?["tasks"] as? [String: Int] ?? [:]
    }

    @Test func aSweepSubmittedToARunningCoordinatorCompletesBesideTheFirst() throws {
        let dir = try TemporaryDirectory()
        let first = try dir.write(Self.sweep(name: "first", subsets: 4), to: "first.yaml")
        let second = try dir.write(Self.sweep(name: "second", subsets: 3), to: "second.yaml")
        let db = dir.path("lab.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: first, db: db, in: dir)
        let submit = try MnemoProcess.run(["submit", second, "--db", db, "--priority", "5"], in: dir, label: "submit")
        #expect(submit.status == 0, "\(submit.stderr)")
        #expect(submit.stdout.contains("sweep second: 0 of 3 tasks already done"), "\(submit.stdout)")
        let live = try Self.status(db, in: dir)
        #expect((live["coordinator"] as? [String: Any])?["running"] as? Bool == true)
        let worker = try MnemoProcess(["worker", "--connect", endpoint, "--id", "w1"], in: dir, label: "w1")
        #expect(coordinator.wait(timeout: 120) == 0, "\(coordinator.standardError)")
        #expect(worker.wait(timeout: 30) == 0)
        let done = try Self.status(db, in: dir)
        #expect((done["coordinator"] as? [String: Any])?["running"] as? Bool == false)
        #expect(Self.tasks(done, sweep: "first")["done"] == 4)
        #expect(Self.tasks(done, sweep: "second")["done"] == 3)
    }

    @Test func cancelDrainAndRetryChangeStatusAsTheySay() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep(name: "grid", trials: 2, subsets: 6), to: "grid.yaml")
        let db = dir.path("grid.sqlite")
        let port = try FreePort.pick()
        let coordinator = try MnemoProcess(
            ["coordinator", sweep, "--bind", "tcp://127.0.0.1:\(port)", "--db", db, "--serve"], in: dir, label: "coordinator")
        let worker = try MnemoProcess(
            ["worker", "--connect", "tcp://127.0.0.1:\(port)", "--id", "w1"], in: dir, label: "w1")
        #expect(eventually(timeout: 60) { ((try? Self.status(db, in: dir)).map { Self.tasks($0, sweep: "grid")["done"] ?? 0 } ?? 0) >= 1 })

        // Cancel: pending → cancelled, no new leases, the running task revoked within a heartbeat.
        let cancel = try MnemoProcess.run(["cancel", db, "grid"], in: dir, label: "cancel")
        #expect(cancel.status == 0, "\(cancel.stderr)")
        #expect(eventually(timeout: 5) { (try? Self.status(db, in: dir)).map { Self.tasks($0, sweep: "grid")["leased"] } == 0 })
        let cancelled = Self.tasks(try Self.status(db, in: dir), sweep: "grid")
        #expect(cancelled["pending"] == 0 && (cancelled["cancelled"] ?? 0) + (cancelled["done"] ?? 0) == 12, "\(cancelled)")
        #expect(worker.standardError.contains("revoked"), "\(worker.standardError)")
        Thread.sleep(forTimeInterval: 2)
        #expect(Self.tasks(try Self.status(db, in: dir), sweep: "grid")["done"] == cancelled["done"], "nothing ran after the cancel")

        // Retry: the cancelled tasks pending again with a fresh budget, and they run.
        let retry = try MnemoProcess.run(["retry", db, "--sweep", "grid", "--trial", "1"], in: dir, label: "retry")
        #expect(retry.status == 0, "\(retry.stderr)")
        let retried = Self.tasks(try Self.status(db, in: dir), sweep: "grid")
        #expect((retried["pending"] ?? 0) + (retried["leased"] ?? 0) == 6 || (retried["done"] ?? 0) > (cancelled["done"] ?? 0), "\(retried)")

        // Drain: no new leases; the worker finishes what it runs and exits 0.
        let drain = try MnemoProcess.run(["drain", db, "w1"], in: dir, label: "drain")
        #expect(drain.status == 0, "\(drain.stderr)")
        #expect(worker.wait(timeout: 30) == 0, "\(worker.standardError)")
        #expect(worker.standardError.contains("drained"))
        let drained = try Self.status(db, in: dir)
        #expect((drained["workers"] as? [Any])?.isEmpty == true)
        #expect(Self.tasks(drained, sweep: "grid")["leased"] == 0, "its leases were handed back")
        #expect(coordinator.isRunning, "--serve keeps the coordinator running")
        // The coordinator's counts (kept in memory) are the database's, trial by trial.
        let offline = try StatusDocument.build(
            store: Store.openReadOnly(path: db), coordinator: .init(running: false, host: "", pid: 0), workers: [])
        let encoded = try JSONSerialization.jsonObject(with: Data(try offline.json().utf8)) as? [String: Any]
        let fromDatabase = (encoded?["sweeps"] as? [[String: Any]])?.first
        let fromCoordinator = (drained["sweeps"] as? [[String: Any]])?.first
        #expect(fromDatabase?["tasks"] as? [String: Int] == fromCoordinator?["tasks"] as? [String: Int])
        #expect(
            (fromDatabase?["trials"] as? [[String: Any]])?.map { "\($0["index"]!) \($0["runs_done"]!)/\($0["runs_total"]!)" }
                == (fromCoordinator?["trials"] as? [[String: Any]])?.map { "\($0["index"]!) \($0["runs_done"]!)/\($0["runs_total"]!)" })
        Foundation.kill(coordinator.pid, SIGTERM)
        #expect(coordinator.wait(timeout: 30) == 130)
    }

    @Test func offlineCancelAndRetryWriteTheDatabaseAndDeleteAndBackupWork() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep(name: "idle", subsets: 3), to: "idle.yaml")
        let db = dir.path("idle.sqlite")
        let submit = try MnemoProcess.run(["submit", sweep, "--db", db], in: dir, label: "submit")
        #expect(submit.status == 0, "\(submit.stderr)")
        #expect(submit.stdout.contains("no coordinator runs"), "\(submit.stdout)")
        #expect(try MnemoProcess.run(["cancel", db, "idle"], in: dir, label: "cancel").stdout.contains("cancelled 3 tasks"))
        #expect(Self.tasks(try Self.status(db, in: dir), sweep: "idle")["cancelled"] == 3)
        #expect(try MnemoProcess.run(["retry", db], in: dir, label: "retry").stdout.contains("3 tasks pending again"))
        #expect(Self.tasks(try Self.status(db, in: dir), sweep: "idle")["pending"] == 3)
        let backup = try MnemoProcess.run(["backup", db, dir.path("copy.sqlite")], in: dir, label: "backup")
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(Self.tasks(try Self.status(dir.path("copy.sqlite"), in: dir), sweep: "idle")["total"] == 3)
        let delete = try MnemoProcess.run(["delete", db, "idle"], in: dir, label: "delete")
        #expect(delete.status == 0, "\(delete.stderr)")
        #expect((try Self.status(db, in: dir)["sweeps"] as? [Any])?.isEmpty == true)
        let drain = try MnemoProcess.run(["drain", db, "nobody"], in: dir, label: "drain")
        #expect(drain.status != 0 && drain.stderr.contains("no coordinator serves"), "\(drain.stderr)")
    }

    @Test func aCoordinatorWhoseTasksWereCancelledExits3AndRetryReachesFinishedSweeps() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep(name: "short", subsets: 6), to: "short.yaml")
        let db = dir.path("short.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        let worker = try MnemoProcess(["worker", "--connect", endpoint, "--id", "w1"], in: dir, label: "w1")
        #expect(eventually(timeout: 60) { ((try? Self.status(db, in: dir)).map { Self.tasks($0, sweep: "short")["done"] ?? 0 } ?? 0) >= 1 })
        #expect(try MnemoProcess.run(["cancel", db, "short"], in: dir, label: "cancel").status == 0)
        #expect(coordinator.wait(timeout: 60) == 3, "cancelled tasks are not done: \(coordinator.standardOutput)")
        #expect(coordinator.standardOutput.contains("tasks cancelled"), "\(coordinator.standardOutput)")
        #expect(worker.wait(timeout: 30) == 0)

        // A coordinator serving the database (the finished sweep is not served) retries it on request.
        let port = try FreePort.pick()
        let serving = try MnemoProcess(
            ["coordinator", "--db", db, "--bind", "tcp://127.0.0.1:\(port)", "--serve"], in: dir, label: "serving")
        #expect(eventually(timeout: 30) { serving.standardError.contains("serving sweep") })
        let retry = try MnemoProcess.run(["retry", db], in: dir, label: "retry")
        #expect(retry.status == 0 && !retry.stdout.hasPrefix("0 tasks"), "\(retry.stdout)\(retry.stderr)")
        let retried = Self.tasks(try Self.status(db, in: dir), sweep: "short")
        #expect(retried["cancelled"] == 0 && (retried["pending"] ?? 0) > 0, "\(retried)")
        Foundation.kill(serving.pid, SIGTERM)
        #expect(serving.wait(timeout: 30) == 130)
    }
}
