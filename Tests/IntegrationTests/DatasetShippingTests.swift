import Foundation
import MnemoStore
import MnemoTestSupport
import Testing

/// Workers that lack a sweep's data fetch it from the coordinator by content hash: a worker in an empty
/// home directory, on a host (a mount namespace) without the dataset files, trains exactly what a
/// worker with the files trains; a damaged cached copy is mended chunk by chunk; the cache keeps to
/// its bound.
@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: SweepFixture.fashionMNISTDirectory)))
struct DatasetShippingTests {
    static let sweep = """
        name: shipped
        seed: 5
        dataset: {name: fashion-mnist, train_limit: 2000, test_limit: 200}
        model: {kind: mlp, hidden: [16]}
        training: {batch_size: 64, learning_rate: 0.05, max_epochs: 2}
        estimator: {subsets: 4, ratio: 0.5}
        """

    /// Starts `mnemo worker` in a mount namespace where the Fashion-MNIST folder is an empty tmpfs.
    static func workerWithoutData(
        _ arguments: [String], in dir: TemporaryDirectory, label: String, environment: [String: String] = [:]
    ) throws -> MnemoProcess {
        let command = ([MnemoProcess.binary.path, "worker"] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let script = "mount -t tmpfs none \(SweepFixture.fashionMNISTDirectory) && exec \(command)"
        return try MnemoProcess(
            executable: URL(fileURLWithPath: "/usr/bin/unshare"), ["-m", "sh", "-c", script], in: dir, label: label,
            environment: environment)
    }

    /// Each task's correctness bits, by subset.
    static func bits(_ db: String) throws -> [Int: Data] {
        var bits: [Int: Data] = [:]
        try Store.openReadOnly(path: db).forEachResult(sweepID: "shipped", trialIndex: 0) {
            bits[$0.subsetIndex] = $0.trainBits + $0.testBits
        }
        return bits
    }

    /// Runs the sweep into `db` with one worker started by `start`, and returns the worker.
    static func run(
        db: String, in dir: TemporaryDirectory, start: (String) throws -> MnemoProcess
    ) throws -> MnemoProcess {
        let sweep = try dir.write(Self.sweep, to: "shipped.yaml")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        let worker = try start(endpoint)
        #expect(coordinator.wait(timeout: 180) == 0, "\(coordinator.standardError)")
        #expect(worker.wait(timeout: 30) == 0, "\(worker.standardError)")
        return worker
    }

    @Test func aWorkerWithoutTheFilesFetchesThemTrainsTheSameAndADamagedCopyIsMended() throws {
        let dir = try TemporaryDirectory()
        let home = dir.path("home")
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        // An empty home directory and no XDG cache: the worker's cache is ~/.cache/mnemo. The coordinator
        // serves on (--serve), so that its metrics can be read once the worker, idle, has left.
        let metricsPort = try FreePort.pick()
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(
            [
                "coordinator", try dir.write(Self.sweep, to: "shipped.yaml"), "--bind", "tcp://127.0.0.1:*", "--db",
                dir.path("far.sqlite"), "--serve", "--metrics", "127.0.0.1:\(metricsPort)",
            ], in: dir)
        defer { coordinator.kill(SIGTERM) }
        let far = try Self.workerWithoutData(
            ["--connect", endpoint, "--id", "far", "--idle-exit", "2"], in: dir, label: "far",
            environment: ["HOME": home, "XDG_CACHE_HOME": ""])
        #expect(far.wait(timeout: 120) == 0, "\(far.standardError)")
        #expect(far.standardError.contains("cannot use this worker's own copy of the data"), "\(far.standardError)")
        #expect(far.standardError.contains("fetched dataset"), "\(far.standardError)")
        let fetched = try FileManager.default.contentsOfDirectory(atPath: "\(home)/.cache/mnemo/data").filter { $0.hasSuffix(".npz") }
        #expect(fetched.count == 1, "\(fetched)")
        let size = try FileManager.default.attributesOfItem(atPath: "\(home)/.cache/mnemo/data/\(fetched[0])")[.size] as? Int ?? 0
        #expect(size > 8 * 256 << 10, "a file of many chunks: \(size) bytes")
        let metrics = MetricsEndpointTests.fetch(URL(string: "http://127.0.0.1:\(metricsPort)/metrics")!) ?? ""
        #expect(MetricsEndpointTests.value(of: "mnemo_dataset_bytes_served_total", in: metrics) == Double(size), "\(metrics)")
        #expect(coordinator.standardError.contains("worker far fetches dataset"), "\(coordinator.standardError)")

        // The same sweep trained by a worker that has the files gives the same bits, task by task.
        _ = try Self.run(db: dir.path("near.sqlite"), in: dir) { endpoint in
            try MnemoProcess(["worker", "--connect", endpoint, "--id", "near"], in: dir, label: "near")
        }
        let farBits = try Self.bits(dir.path("far.sqlite"))
        #expect(farBits.count == 4)
        #expect(farBits == (try Self.bits(dir.path("near.sqlite"))), "the fetched examples are the sweep's examples")

        // A third worker finds a damaged copy in its cache (one byte of chunk 3 flipped) beside another
        // dataset it used earlier, and may keep one dataset: only chunk 3 travels, the old one goes.
        let cache = dir.path("mended/data")
        try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: true)
        var damaged = try Data(contentsOf: URL(fileURLWithPath: "\(home)/.cache/mnemo/data/\(fetched[0])"))
        damaged[3 * 256 << 10 + 17] ^= 0x10
        try damaged.write(to: URL(fileURLWithPath: "\(cache)/\(fetched[0])"))
        let old = String(repeating: "0", count: 64) + ".npz"
        try Data(repeating: 1, count: 1000).write(to: URL(fileURLWithPath: "\(cache)/\(old)"))
        let mended = try Self.run(db: dir.path("mended.sqlite"), in: dir) { endpoint in
            try Self.workerWithoutData(
                ["--connect", endpoint, "--id", "mended", "--cache-dir", dir.path("mended"), "--cache-max", "1M"], in: dir,
                label: "mended")
        }
        let chunks = (size + (256 << 10) - 1) / (256 << 10)
        #expect(mended.standardError.contains("\(chunks - 1) already here, 1 missing or damaged"), "\(mended.standardError)")
        #expect(try Self.bits(dir.path("mended.sqlite")) == farBits)
        let kept = try FileManager.default.contentsOfDirectory(atPath: cache).filter { $0.hasSuffix(".npz") }
        #expect(kept == [fetched[0]], "the least recently used dataset was removed for the bound: \(kept)")
    }

    @Test func aWorkerStoppedWhileWaitingForItsDataHandsTheTaskBackAtOnce() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep, to: "shipped.yaml")
        let db = dir.path("stopped.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        defer { coordinator.kill(SIGTERM) }
        // The coordinator prepares the file on the first request (a second or two): stop the worker then.
        let worker = try Self.workerWithoutData(["--connect", endpoint, "--id", "leaving"], in: dir, label: "leaving")
        #expect(eventually(timeout: 30) { worker.standardError.contains("fetching it from the coordinator") }, "\(worker.standardError)")
        let stopped = Date()
        worker.kill(SIGTERM)
        // Not the 30 s grace a training task gets: nothing was training yet.
        #expect(worker.wait(timeout: 30) == 0, "\(worker.standardError)")
        #expect(Date().timeIntervalSince(stopped) < 10, "\(worker.standardError)")
        #expect(worker.standardError.contains("handing its lease back"), "\(worker.standardError)")
        #expect(eventually(timeout: 10) {
            ((try? Store.openReadOnly(path: db).tasks(sweepID: "shipped")) ?? []).allSatisfy { $0.state == .pending && $0.failures == 0 }
        }, "the task went back to pending, not failed")
    }

    @Test func aCoordinatorWhoseDataIsGoneSaysItCanServeTheRegisteredSweepFromItsDatabase() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep, to: "shipped.yaml")
        let run = try MnemoProcess.run(["run", sweep, "--no-progress"], in: dir, label: "run", timeout: 120)
        #expect(run.status == 0, "\(run.stderr)")
        let command = [MnemoProcess.binary.path, "coordinator", sweep, "--no-progress"].map { "'\($0)'" }.joined(separator: " ")
        let gone = try MnemoProcess(
            executable: URL(fileURLWithPath: "/usr/bin/unshare"),
            ["-m", "sh", "-c", "mount -t tmpfs none \(SweepFixture.fashionMNISTDirectory) && exec \(command)"], in: dir, label: "gone")
        #expect(gone.wait(timeout: 60) == 1)
        #expect(gone.standardError.contains("no such file"), "\(gone.standardError)")
        #expect(gone.standardError.contains("is served without it by `mnemo coordinator --db \(dir.path("shipped.sqlite"))`"), "\(gone.standardError)")
    }

    @Test func aWorkerThatCannotGetAVerifiedCopyIsExcludedWithBothReasons() throws {
        let dir = try TemporaryDirectory()
        // Its cache folder cannot be made (a file stands where the folder would be).
        try Data().write(to: URL(fileURLWithPath: dir.path("blocked")))
        let sweep = try dir.write(Self.sweep, to: "shipped.yaml")
        let db = dir.path("blocked.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        let blocked = try Self.workerWithoutData(
            ["--connect", endpoint, "--id", "blocked", "--cache-dir", dir.path("blocked/cache")], in: dir, label: "blocked")
        #expect(blocked.wait(timeout: 60) == 2, "excluded: \(blocked.standardError)")
        let status = try MnemoProcess.run(["status", db, "--json"], in: dir, label: "status", timeout: 30)
        #expect(status.stdout.contains("worker blocked: this worker cannot use its own copy of the data"), "\(status.stdout)")
        #expect(status.stdout.contains("cannot write into the cache folder"), "\(status.stdout)")
        let good = try MnemoProcess(["worker", "--connect", endpoint, "--id", "good"], in: dir, label: "good")
        #expect(coordinator.wait(timeout: 120) == 0, "\(coordinator.standardError)")
        #expect(good.wait(timeout: 30) == 0)
    }
}
