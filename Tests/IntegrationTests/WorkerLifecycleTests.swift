import Foundation
import MnemoStore
import MnemoTestSupport
import Testing

/// Workers stop, restart, disagree about the data and lose their coordinator; every task is still done
/// exactly once and nothing crashes.
@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: SweepFixture.fashionMNISTDirectory)))
struct WorkerLifecycleTests {
    /// Tasks of about a second each in a debug build: twelve full epochs (no accuracy target).
    static func sweep(subsets: Int) -> String {
        """
        name: faults
        seed: 11
        dataset: {name: fashion-mnist, train_limit: 2000, test_limit: 200}
        model: {kind: mlp, hidden: [128]}
        training: {batch_size: 64, learning_rate: 0.05, max_epochs: 12}
        estimator: {subsets: \(subsets), ratio: 0.7}
        """
    }

    static func tasks(_ db: String) throws -> [TaskRecord] {
        try Store.openReadOnly(path: db).tasks(sweepID: "faults")
    }

    @Test func sigtermAtRandomMomentsNeverCrashesAndEveryTaskIsDoneOnce() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep(subsets: 24), to: "faults.yaml")
        let db = dir.path("faults.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        var generator = SystemRandomNumberGenerator()
        for round in 0..<20 {
            let worker = try MnemoProcess(
                ["worker", "--connect", endpoint, "--id", "term-\(round)", "--grace", "0.3"], in: dir, label: "term-\(round)")
            Thread.sleep(forTimeInterval: Double.random(in: 0.3...1.5, using: &generator))
            Foundation.kill(worker.pid, round % 2 == 0 ? SIGTERM : SIGINT)
            let status = worker.wait(timeout: 30)
            #expect(status == 0 && !worker.wasSignalled, "round \(round): status \(String(describing: status))\n\(worker.standardError)")
        }
        #expect(coordinator.isRunning)
        let cancelled = (0..<20).filter { round in
            (try? String(contentsOfFile: dir.path("term-\(round).stderr"), encoding: .utf8))?.contains("cancelled task") ?? false
        }
        #expect(!cancelled.isEmpty, "no signal landed during training: the test did not test what it says")
        let finisher = try MnemoProcess(["worker", "--connect", endpoint, "--id", "finisher"], in: dir, label: "finisher")
        #expect(coordinator.wait(timeout: 300) == 0, "\(coordinator.standardError)")
        #expect(finisher.wait(timeout: 30) == 0)
        let tasks = try Self.tasks(db)
        #expect(tasks.count == 24 && tasks.allSatisfy { $0.state == .done })
        #expect(try Store.openReadOnly(path: db).resultCount(sweepID: "faults") == 24)
        // Every lease was handed back or its result shipped: no stopped worker counted as lost.
        #expect(tasks.allSatisfy { $0.crashedWorkers.isEmpty }, "\(tasks.map(\.crashedWorkers))")
        #expect(!coordinator.standardError.contains("left (silent"), "\(coordinator.standardError)")
    }

    @Test(arguments: [SIGKILL, SIGTERM])
    func aCoordinatorStoppedAndRestartedWhileWorkersRunRetrainsNothing(signal: Int32) throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep(subsets: 24), to: "faults.yaml")
        let db = dir.path("faults.sqlite")
        let port = try FreePort.pick()
        let arguments = ["coordinator", sweep, "--bind", "tcp://127.0.0.1:\(port)", "--db", db]
        let (first, endpoint) = try FaultToleranceTests.startCoordinator(arguments, in: dir)
        let workers = try (0..<2).map {
            try MnemoProcess(["worker", "--connect", endpoint, "--id", "steady-\($0)"], in: dir, label: "steady-\($0)")
        }
        #expect(eventually(timeout: 120) { FaultToleranceTests.doneCount(db) >= 4 })
        first.kill(signal)
        #expect(workers.allSatisfy { $0.isRunning }, "the workers outlive their coordinator")
        Thread.sleep(forTimeInterval: 1)
        let second = try MnemoProcess(arguments, in: dir, label: "second")
        #expect(second.wait(timeout: 300) == 0, "\(second.standardError)")
        for worker in workers {
            #expect(worker.wait(timeout: 30) == 0, "\(worker.standardError)")
        }
        let tasks = try Self.tasks(db)
        #expect(tasks.allSatisfy { $0.state == .done })
        #expect(tasks.allSatisfy { $0.attempt == 1 }, "a task was leased twice: \(tasks.map(\.attempt))")
        #expect(second.standardError.contains("reclaimed"), "\(second.standardError)")
    }

    @Test func aWorkerWithAnotherCopyOfTheDataTrainsOnTheSweepsCopyFetchedFromTheCoordinator() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path("data"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.path("sweeps"), withIntermediateDirectories: true)
        try dir.write(DatasetFormsRunTests.blobs(count: 150, salt: 1), to: "data/train.csv")
        try dir.write(DatasetFormsRunTests.blobs(count: 30, salt: 2), to: "data/test.csv")
        try dir.write(DatasetFormsRunTests.blobs(count: 150, salt: 7), to: "other.csv")
        let sweep = try dir.write(SweepIdentityTests.csvSweep(subsets: 12), to: "sweeps/held.yaml")
        let db = dir.path("held.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        // The stray worker sees other.csv at data/train.csv, in a mount namespace of its own, and has a
        // cache folder of its own.
        let script = "mount --bind \(dir.path("other.csv")) \(dir.path("data/train.csv")) && exec \(MnemoProcess.binary.path) worker --connect \(endpoint) --id stray --cache-dir \(dir.path("stray-cache"))"
        let stray = try MnemoProcess(
            executable: URL(fileURLWithPath: "/usr/bin/unshare"), ["-m", "sh", "-c", script], in: dir, label: "stray")
        #expect(coordinator.wait(timeout: 120) == 0, "\(coordinator.standardError)")
        #expect(stray.wait(timeout: 30) == 0, "\(stray.standardError)")
        #expect(stray.standardError.contains("has content hash"), "it says why its own copy is not used: \(stray.standardError)")
        #expect(stray.standardError.contains("fetched dataset"), "\(stray.standardError)")
        let store = try Store.openReadOnly(path: db)
        let tasks = try store.tasks(sweepID: "held")
        #expect(tasks.count == 12 && tasks.allSatisfy { $0.state == .done && $0.failures == 0 })
        var byWorker: [String] = []
        try store.forEachResult(sweepID: "held", trialIndex: 0) { byWorker.append($0.workerID) }
        #expect(byWorker == Array(repeating: "stray", count: 12))
        // Trained on the sweep's examples: the same results as a worker with the right files.
        let checkDir = try TemporaryDirectory()
        let check = try SweepIdentityTests.csvStudy(
            in: checkDir, sweep: SweepIdentityTests.csvSweep(subsets: 12),
            train: DatasetFormsRunTests.blobs(count: 150, salt: 1), test: DatasetFormsRunTests.blobs(count: 30, salt: 2))
        let local = try MnemoProcess.run(["run", check, "--workers", "1", "--no-progress"], in: dir, label: "local", timeout: 120)
        #expect(local.status == 0, "\(local.stderr)")
        var strayBits: [Data] = []
        try store.forEachResult(sweepID: "held", trialIndex: 0) { strayBits.append($0.trainBits + $0.testBits) }
        var localBits: [Data] = []
        try Store.openReadOnly(path: checkDir.path("sweeps/held.sqlite")).forEachResult(sweepID: "held", trialIndex: 0) {
            localBits.append($0.trainBits + $0.testBits)
        }
        #expect(strayBits == localBits)
    }

    @Test func aWorkerRestartedUnderTheSameIdFreesTheOldProcesssLease() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep(subsets: 4), to: "faults.yaml")
        let db = dir.path("faults.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        let doomed = try MnemoProcess(["worker", "--connect", endpoint, "--id", "fixed"], in: dir, label: "doomed")
        #expect(eventually(timeout: 60) { ((try? Self.tasks(db)) ?? []).contains { $0.state == .leased } })
        doomed.kill(SIGKILL)
        // Restarted at once, within the heartbeat timeout, under the same id (as systemd and Slurm do).
        let restarted = try MnemoProcess(["worker", "--connect", endpoint, "--id", "fixed"], in: dir, label: "restarted")
        // Well before the 30 s lease would have expired, had the new process's heartbeats kept it alive.
        #expect(coordinator.wait(timeout: 25) == 0, "\(coordinator.standardError)")
        #expect(restarted.wait(timeout: 30) == 0)
        let tasks = try Self.tasks(db)
        #expect(tasks.allSatisfy { $0.state == .done })
        #expect(tasks.contains { $0.crashedWorkers == "fixed" }, "the old process's lease counted as a worker death")
    }

    @Test func aWorkerWithoutACoordinatorSaysWhereItConnectsAndGivesUpAfterIdleExit() throws {
        let dir = try TemporaryDirectory()
        let started = Date()
        let worker = try MnemoProcess(
            ["worker", "--connect", "tcp://127.0.0.1:9", "--id", "lonely", "--idle-exit", "2"], in: dir, label: "lonely")
        #expect(worker.wait(timeout: 30) == 2, "\(worker.standardError)")
        #expect(Date().timeIntervalSince(started) < 15)
        #expect(worker.standardError.contains("connecting to tcp://127.0.0.1:9 as lonely"), "\(worker.standardError)")
        #expect(worker.standardError.contains("no coordinator answered at tcp://127.0.0.1:9"), "\(worker.standardError)")
    }

    @Test func aWorkerOfACoordinatorThatServesOnExitsZeroOnceIdleForIdleExit() throws {
        let dir = try TemporaryDirectory()
        let sweep = try SweepIdentityTests.csvStudy(in: dir)
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(
            ["coordinator", sweep, "--bind", "tcp://127.0.0.1:*", "--db", dir.path("served.sqlite"), "--serve"], in: dir)
        defer { coordinator.kill(SIGTERM) }
        let worker = try MnemoProcess(
            ["worker", "--connect", endpoint, "--id", "job-0", "--idle-exit", "3"], in: dir, label: "job-0")
        // A Kubernetes Job's pod: its work done, it completes (0), where an unreachable coordinator is 2.
        #expect(worker.wait(timeout: 60) == 0, "\(worker.standardError)")
        #expect(worker.standardError.contains("finished 4 tasks; exiting: no work from \(endpoint)"), "\(worker.standardError)")
        #expect(coordinator.isRunning, "--serve keeps serving")
    }

    @Test func aWorkerWithTwoSlotsTrainsTwoTasksAtOnce() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep(subsets: 6), to: "faults.yaml")
        let db = dir.path("faults.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        let worker = try MnemoProcess(
            ["worker", "--connect", endpoint, "--id", "wide", "--slots", "2", "--prefetch", "0"], in: dir, label: "wide")
        #expect(eventually(timeout: 60) { ((try? Self.tasks(db)) ?? []).filter { $0.state == .leased }.count == 2 })
        #expect(coordinator.wait(timeout: 120) == 0, "\(coordinator.standardError)")
        #expect(worker.wait(timeout: 30) == 0)
        #expect(try Self.tasks(db).allSatisfy { $0.state == .done && $0.attempt == 1 })
    }
}
