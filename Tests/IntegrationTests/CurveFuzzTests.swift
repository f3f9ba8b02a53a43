import Foundation
import MnemoCore
import MnemoStore
import MnemoTestSupport
import MnemoWire
import Testing

/// A bounded fuzzing run against a CURVE coordinator's port: raw random bytes over TCP, keyless ZeroMQ
/// peers, peers with keys it does not allow, and an allowed peer sending corrupted messages under
/// random identities. It must neither crash, nor grow by more than 256 MiB, nor change the database.
@Suite(.serialized) struct CurveFuzzTests {
    static func residentKiB(_ pid: Int32) -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
    }

    /// What the fuzzing must not change: every task's state and attempt, results, workers.
    static func snapshot(_ db: String) throws -> String {
        let store = try Store.openReadOnly(path: db)
        let tasks = try store.tasks(sweepID: "curve").map { "\($0.id) \($0.state) \($0.attempt)" }.sorted()
        return tasks.joined(separator: "\n") + "\nresults \(try store.resultCount(sweepID: "curve"))\nworkers \(try store.workers().map(\.id))"
    }

    /// Sends `bytes` over a plain TCP connection and closes it.
    static func sendRaw(_ bytes: [UInt8], port: UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return }
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    @Test func aBoundedFuzzingRunChangesNothing() throws {
        let dir = try TemporaryDirectory()
        try CurveSecurityTests.makeKeys(in: dir)
        let (coordinator, endpoint) = try CurveSecurityTests.startCoordinator(in: dir)
        let db = dir.path("curve.sqlite")
        let port = try #require(UInt16(endpoint.split(separator: ":").last ?? ""))
        let before = try Self.snapshot(db)
        let startKiB = Self.residentKiB(coordinator.pid)
        var rng = CounterRNG(key: 0xF0_22, stream: 7)
        let context = try ZMQContext()
        let serverKey = try CurveKeyFiles.loadPublic(dir.path("keys/coordinator.pub"))
        let allowed = try CurveKeyFiles.loadSecret(dir.path("keys/workers/a.key"))
        let stranger = try CurveKeyFiles.loadSecret(dir.path("keys/stranger.key"))
        let deadline = Date().addingTimeInterval(8)
        var rounds = 0
        while rounds < 400, Date() < deadline {
            rounds += 1
            switch rng.next() % 4 {
            case 0:
                // Raw bytes, sometimes starting like a ZMTP greeting with a huge declared length.
                var bytes = (0..<Int(rng.next() % 512)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                if rng.next() % 2 == 0 { bytes = [0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F] + [3, 1] + Array("CURVE".utf8) + bytes }
                Self.sendRaw(bytes, port: port)
            default:
                // A ZeroMQ peer with no key, a stranger's key, or an allowed key, under a random identity,
                // sending corrupted messages: wrong versions, bad checksums, huge declared lengths.
                let peer = try ZMQSocket(context: context, kind: .dealer)
                try peer.set(.linger(.zero))
                try peer.set(.sendTimeout(.milliseconds(50)))
                let keys = [nil, stranger, allowed][Int(rng.next() % 3)]
                if let keys {
                    try peer.set(.curveSecretKey(keys.secretKey))
                    try peer.set(.curvePublicKey(keys.publicKey))
                    try peer.set(.curveServerKey(serverKey))
                }
                try peer.setIdentity(PeerIdentity("fuzz-\(rng.next() % 1_000_000)"))
                try peer.connect(endpoint)
                for _ in 0..<3 {
                    let version = Data([rng.next() % 3 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : Envelope.protocolVersion])
                    let type = Data(["result", "hello", "heartbeat", "bye", "admin", "x"][Int(rng.next() % 6)].utf8)
                    let length = [Int(rng.next() % 100), Int.max, 1 << 40, -1][Int(rng.next() % 4)]
                    let header = Data("{\"payload_length\":\(length),\"payload_crc32c\":\(rng.next() % 1000),\"outcomes\":[{\"task_id\":\"\(rng.next())\"}]}".utf8)
                    let payload = Data((0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
                    try? peer.send([version, type, header, payload], blocking: false)
                }
                Thread.sleep(forTimeInterval: 0.005)
                peer.close()
            }
        }
        Thread.sleep(forTimeInterval: 1)
        #expect(coordinator.isRunning, "\(coordinator.standardError.suffix(2000))")
        let grownKiB = Self.residentKiB(coordinator.pid) - startKiB
        #expect(grownKiB < 256 * 1024, "grew by \(grownKiB) KiB")
        #expect(try Self.snapshot(db) == before)
        #expect(coordinator.standardError.contains("key not in the allowlist"))
        // Still serving: an honest worker finishes the sweep.
        let honest = try CurveSecurityTests.worker("honest", key: "workers/a", endpoint: endpoint, in: dir)
        #expect(eventually(timeout: 60) { (try? CurveSecurityTests.results(dir)["honest"]) == 40 }, "\(coordinator.standardError.suffix(2000))")
        coordinator.kill(SIGTERM)
        honest.kill(SIGTERM)
        print("fuzzing: \(rounds) rounds, coordinator grew by \(grownKiB) KiB")
    }
}
