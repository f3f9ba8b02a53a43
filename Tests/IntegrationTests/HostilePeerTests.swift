import Foundation
import MnemoData
import MnemoStore
import MnemoTestSupport
import MnemoWire
import Testing

/// A peer that speaks the protocol well enough to be welcomed, then lies: it neither crashes the
/// coordinator nor touches another worker's tasks, and leaves no rows behind.
@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: SweepFixture.fashionMNISTDirectory)))
struct HostilePeerTests {
    static func connect(_ endpoint: String, as id: String, context: ZMQContext) throws -> ZMQSocket {
        let socket = try ZMQSocket(context: context, kind: .dealer)
        try socket.setIdentity(PeerIdentity(id))
        try socket.set(.linger(.zero))
        try socket.connect(endpoint)
        try socket.send(
            Envelope(type: .hello, header: Hello(workerId: id, host: "evil", pid: 666, engineVersion: "x")).encode())
        let welcome = try #require(try socket.receive(timeout: .seconds(10)))
        #expect(try Envelope.decode(welcome).type == .welcome)
        return socket
    }

    static func outcome(
        task: String, attempt: Int, offset: Int = 0, failure: TaskFailure? = nil, trainCount: Int = 400
    ) -> TaskOutcome {
        TaskOutcome(
            taskId: task, attempt: attempt, failure: failure, trainCount: trainCount, testCount: 200, payloadOffset: offset,
            subsetAccuracy: 1, testAccuracy: 1, epochs: 1, seconds: 0)
    }

    @Test func aResultWhosePayloadOffsetOverflowsIsDroppedAndTheCoordinatorLives() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(SweepFixture.tiny(name: "faults", subsets: 2), to: "faults.yaml")
        let db = dir.path("hostile.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        let context = try ZMQContext()
        let attacker = try Self.connect(endpoint, as: "overflow", context: context)
        for offset in [Int.max - 10, Int.max, -1, 1 << 62] {
            let batch = ResultBatch(outcomes: [Self.outcome(task: "t", attempt: 1, offset: offset)])
            try attacker.send(Envelope(type: .result, header: batch, payload: Data(repeating: 0, count: 100)).encode())
        }
        // Float arrays whose shapes overflow, are negative or run past the payload, for a real task (so
        // the coordinator gets as far as cutting the payload).
        let realTask = try #require(try Store.openReadOnly(path: db).tasks(sweepID: "faults").first?.id)
        for shape in [[Int.max, 2], [-1], [1 << 40, 1 << 40], [1, 2, 3, 4, 5], [1_000_000]] {
            var outcome = Self.outcome(task: realTask, attempt: 1)
            outcome.arrays = [ResultArrayHeader(name: "margin_train", shape: shape)]
            let batch = ResultBatch(outcomes: [outcome])
            try attacker.send(Envelope(type: .result, header: batch, payload: Data(repeating: 0, count: 100)).encode())
        }
        Thread.sleep(forTimeInterval: 1)
        #expect(coordinator.isRunning, "\(coordinator.standardError)")
        let worker = try MnemoProcess(["worker", "--connect", endpoint, "--id", "honest"], in: dir, label: "worker")
        #expect(coordinator.wait(timeout: 120) == 0, "\(coordinator.standardError)")
        #expect(worker.wait(timeout: 30) == 0)
        #expect(try Store.openReadOnly(path: db).resultCount(sweepID: "faults") == 2)
    }

    /// The next `chunk` answer on `socket`.
    static func chunk(on socket: ZMQSocket) throws -> (Chunk, Data?) {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            guard let frames = try socket.receive(timeout: .seconds(1)) else { continue }
            let envelope = try Envelope.decode(frames)
            if envelope.type == .chunk { return (try envelope.decodeHeader(Chunk.self), envelope.payload) }
        }
        throw TestFailure("no chunk answer in 10 s")
    }

    @Test func hostileFetchesAreAnsweredWithoutEchoingThemAndTheDatasetStillShips() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(SweepFixture.tiny(name: "faults", subsets: 2), to: "faults.yaml")
        let db = dir.path("hostile.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        let served = try #require(try Store.openReadOnly(path: db).sweeps().first?.datasetSHA256)
        let context = try ZMQContext()
        let attacker = try Self.connect(endpoint, as: "fetcher", context: context)
        func ask(_ hash: String, chunk: Int? = nil) throws -> (Chunk, Data?) {
            try attacker.send(Envelope(type: .fetch, header: Fetch(datasetHash: hash, chunk: chunk)).encode())
            return try Self.chunk(on: attacker)
        }
        // A forged log line, a hash one character too long (it must not name the served one), junk.
        for hash in ["\n2026-12-06T00:00:00+0000 error mnemo: FAKE\u{1b}[31m", served + "0", "../../etc/passwd", ""] {
            let (answer, payload) = try ask(hash)
            #expect(answer.status == .unavailable && answer.datasetHash.isEmpty && payload == nil, "\(answer)")
            #expect(answer.reason == "not a dataset hash (64 lowercase hexadecimal digits)")
        }
        let other = String(repeating: "ab", count: 32)
        #expect(try ask(other, chunk: 3).0.reason == "no sweep served here has dataset \(other)")
        // The served dataset: prepared once, then its manifest and chunks; chunks outside it are refused.
        var manifest: DatasetManifest?
        #expect(eventually(timeout: 30) {
            manifest = (try? ask(served))?.0.manifest
            return manifest != nil
        })
        let chunks = try #require(manifest).chunks.count
        for index in [-1, chunks, Int.max, Int.min] {
            let (answer, payload) = try ask(served, chunk: index)
            #expect(answer.status == .unavailable && payload == nil, "\(index): \(answer)")
            #expect(answer.reason == "dataset \(served.prefix(12))… has chunks 0..<\(chunks), not \(index)")
        }
        let (first, bytes) = try ask(served, chunk: 0)
        #expect(first.status == .ready && first.chunk == 0)
        #expect(bytes.map { DatasetFileCache.sha256(of: $0) } == manifest?.chunks[0], "the chunk is the manifest's")
        #expect(coordinator.isRunning)
        #expect(!coordinator.standardError.contains("FAKE"), "a peer's text never reaches the log: \(coordinator.standardError)")
        let worker = try MnemoProcess(["worker", "--connect", endpoint, "--id", "honest"], in: dir, label: "worker")
        #expect(coordinator.wait(timeout: 120) == 0, "\(coordinator.standardError)")
        #expect(worker.wait(timeout: 30) == 0)
    }

    @Test func aPeerThatAsksForChunksAndNeverReadsThemCannotMakeTheCoordinatorBufferMuch() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(SweepFixture.tiny(name: "faults", subsets: 2, trainLimit: 2000), to: "faults.yaml")
        let db = dir.path("hoard.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        let served = try #require(try Store.openReadOnly(path: db).sweeps().first?.datasetSHA256)
        let context = try ZMQContext()
        let asker = try Self.connect(endpoint, as: "asker", context: context)
        var manifest: DatasetManifest?
        #expect(eventually(timeout: 30) {
            try? asker.send(Envelope(type: .fetch, header: Fetch(datasetHash: served)).encode())
            manifest = (try? Self.chunk(on: asker))?.0.manifest
            return manifest != nil
        })
        let chunks = try #require(manifest).chunks.count
        // A peer that holds one message at most and never reads: every answer stays queued for it.
        let hoarder = try ZMQSocket(context: context, kind: .dealer)
        try hoarder.setIdentity(PeerIdentity("hoarder"))
        try hoarder.set(.linger(.zero))
        try hoarder.set(.receiveHighWaterMark(1))
        try hoarder.connect(endpoint)
        try hoarder.send(Envelope(type: .hello, header: Hello(workerId: "hoarder", host: "evil", pid: 7, engineVersion: "x")).encode())
        Thread.sleep(forTimeInterval: 1)
        let before = try Self.peakKiB(coordinator.pid)
        for index in 0..<4000 {
            try hoarder.send(Envelope(type: .fetch, header: Fetch(datasetHash: served, chunk: index % chunks)).encode())
        }
        Thread.sleep(forTimeInterval: 10)
        let growth = try Self.peakKiB(coordinator.pid) - before
        // 4,000 answers of 256 KiB would be a gigabyte; the send queue of one peer holds 256 messages.
        #expect(growth < 128 * 1024, "the coordinator's peak memory grew by \(growth / 1024) MiB")
        #expect(coordinator.isRunning)
        let worker = try MnemoProcess(["worker", "--connect", endpoint, "--id", "honest"], in: dir, label: "worker")
        #expect(coordinator.wait(timeout: 120) == 0, "\(coordinator.standardError)")
        #expect(worker.wait(timeout: 30) == 0)
    }

    @Test func forgedResultsAndFailuresForAnotherWorkersLeaseChangeNothing() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(
            SweepFixture.tiny(name: "faults", subsets: 2, trainLimit: 1000, hidden: 64, maxEpochs: 12), to: "faults.yaml")
        let db = dir.path("hostile.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        let context = try ZMQContext()
        // Peers that only say hello (hundreds of random identities) leave no worker rows.
        for index in 0..<200 {
            _ = try Self.connect(endpoint, as: "drive-by-\(index)", context: context)
        }
        let honest = try MnemoProcess(["worker", "--connect", endpoint, "--id", "honest"], in: dir, label: "honest")
        var target: TaskRecord?
        #expect(eventually(timeout: 60) {
            target = (try? Store.openReadOnly(path: db).tasks(sweepID: "faults"))?.first { $0.state == .leased && $0.workerID == "honest" }
            return target != nil
        })
        let task = try #require(target)
        let forger = try Self.connect(endpoint, as: "forger", context: context)
        for _ in 0..<3 {
            let failure = ResultBatch(outcomes: [
                Self.outcome(task: task.id, attempt: task.attempt, failure: TaskFailure(.deterministic, "forged"))
            ])
            try forger.send(Envelope(type: .result, header: failure).encode())
        }
        // Sized exactly as a real result of this sweep (1000 train, 200 test examples), so only the lease
        // check can refuse it.
        let forged = ResultBatch(outcomes: [Self.outcome(task: task.id, attempt: task.attempt, trainCount: 1000)])
        try forger.send(Envelope(type: .result, header: forged, payload: Data(repeating: 0, count: 150)).encode())
        #expect(coordinator.wait(timeout: 120) == 0, "\(coordinator.standardError)")
        #expect(honest.wait(timeout: 30) == 0)
        let store = try Store.openReadOnly(path: db)
        let stored = try #require(try store.task(id: task.id))
        #expect(stored.state == .done && stored.failures == 0 && stored.attempt == task.attempt)
        var resultWorkers: [String: String] = [:]
        try store.forEachResult(sweepID: "faults", trialIndex: 0) { resultWorkers[$0.taskID] = $0.workerID }
        #expect(resultWorkers[task.id] == "honest")
        #expect(try store.workers().map(\.id) == ["honest"])
    }

    /// The peak resident memory of a process, in KiB.
    static func peakKiB(_ pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        return status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true)[1]) } ?? 0
    }

    @Test func framesLargerThanTheSweepsLargestMessageAreNotBuffered() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(CommandBoundsTests.sweep, to: "bounds.yaml")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(
            sweep: sweep, db: dir.path("big.sqlite"), in: dir)
        let context = try ZMQContext()
        let attacker = try Self.connect(endpoint, as: "hoarder", context: context)
        Thread.sleep(forTimeInterval: 0.5)
        let before = try Self.peakKiB(coordinator.pid)
        let big = Data(repeating: 0x5A, count: 40 << 20)
        for _ in 0..<6 {
            try attacker.send([Data([1]), Data("result".utf8), Data("{}".utf8), big], blocking: false)
        }
        Thread.sleep(forTimeInterval: 3)
        #expect(coordinator.isRunning)
        let growth = try Self.peakKiB(coordinator.pid) - before
        // One 40 MiB frame taken in would show; libzmq must refuse each at the transport.
        #expect(growth < 20 << 10, "the coordinator's peak memory grew by \(growth) KiB")
        let worker = try MnemoProcess(["worker", "--connect", endpoint, "--id", "honest"], in: dir, label: "worker")
        #expect(coordinator.wait(timeout: 120) == 0, "\(coordinator.standardError)")
        #expect(worker.wait(timeout: 30) == 0)
    }

    @Test func aPeerWhoseRoutingIdIsNotTextCannotHoardTheTasks() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(CommandBoundsTests.sweep, to: "bounds.yaml")
        let db = dir.path("anon.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        let context = try ZMQContext()
        // No identity set: libzmq makes one up (a zero byte and four more), which is not text.
        let anonymous = try ZMQSocket(context: context, kind: .dealer)
        try anonymous.set(.linger(.zero))
        try anonymous.connect(endpoint)
        try anonymous.send(
            Envelope(type: .hello, header: Hello(workerId: "ghost", host: "evil", pid: 7, engineVersion: "x")).encode())
        try anonymous.send(Envelope(type: .ready, header: Ready(credit: 64)).encode())
        try anonymous.send(Envelope(type: .heartbeat, header: Heartbeat(running: [])).encode())
        Thread.sleep(forTimeInterval: 0.5)
        let worker = try MnemoProcess(["worker", "--connect", endpoint, "--id", "real"], in: dir, label: "real")
        #expect(coordinator.wait(timeout: 60) == 0, "\(coordinator.standardError)")
        #expect(worker.wait(timeout: 30) == 0)
        #expect(coordinator.standardError.contains("is not printable text"))
        var workers: Set<String> = []
        try Store.openReadOnly(path: db).forEachResult(sweepID: "bounds", trialIndex: 0) { workers.insert($0.workerID) }
        #expect(workers == ["real"])
    }
}
