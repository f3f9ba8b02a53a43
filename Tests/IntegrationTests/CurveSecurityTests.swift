import Foundation
import MnemoWire
import MnemoCluster
import MnemoStore
import MnemoTestSupport
import Testing

/// A coordinator with `--key` and `--allow` lets in only the workers whose keys it allows, and a worker
/// id belongs to the key that first used it. Real binary, real CURVE handshakes over loopback TCP.
@Suite(.serialized) struct CurveSecurityTests {
    static let sweep = SweepFixture.synthetic(name: "curve", subsets: 40)

    /// Keys for a coordinator, two allowed workers and one stranger, in `dir/keys`.
    static func makeKeys(in dir: TemporaryDirectory) throws {
        for (folder, name) in [("keys", "coordinator"), ("keys/workers", "a"), ("keys/workers", "b"), ("keys", "stranger")] {
            let made = try MnemoProcess.run(
                ["keys", "generate", "--out", dir.path(folder), "--name", name], in: dir, label: "keys-\(name)")
            #expect(made.status == 0, "\(made.stderr)")
        }
    }

    /// A coordinator that keeps serving after its sweep (`--serve`), so that late peers still meet it;
    /// its workers are those of `allow` (default: the folder `keys/workers`).
    static func startCoordinator(in dir: TemporaryDirectory, allow: String? = nil) throws -> (MnemoProcess, String) {
        let sweep = try dir.write(Self.sweep, to: "curve.yaml")
        return try FaultToleranceTests.startCoordinator(
            [
                "coordinator", sweep, "--bind", "tcp://127.0.0.1:*", "--db", dir.path("curve.sqlite"), "--key",
                dir.path("keys/coordinator.key"), "--allow", allow ?? dir.path("keys/workers"), "--no-progress", "--serve",
            ], in: dir)
    }

    static func worker(
        _ id: String, key: String?, endpoint: String, in dir: TemporaryDirectory, label: String? = nil
    ) throws -> MnemoProcess {
        var arguments = ["worker", "--connect", endpoint, "--id", id, "--idle-exit", "60"]
        if let key {
            arguments += ["--key", dir.path("keys/\(key).key"), "--server-key", dir.path("keys/coordinator.pub")]
        }
        return try MnemoProcess(arguments, in: dir, label: label ?? id)
    }

    static func results(_ dir: TemporaryDirectory) throws -> [String: Int] {
        let store = try Store.openReadOnly(path: dir.path("curve.sqlite"))
        return Dictionary(grouping: try store.workers(), by: \.id).mapValues { $0.reduce(0) { $0 + $1.tasksDone } }
    }

    @Test func keysAreWrittenWithTheirModesAndNeverOverwritten() throws {
        let dir = try TemporaryDirectory()
        try Self.makeKeys(in: dir)
        let secret = try FileManager.default.attributesOfItem(atPath: dir.path("keys/coordinator.key"))
        #expect((secret[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let again = try MnemoProcess.run(
            ["keys", "generate", "--out", dir.path("keys"), "--name", "coordinator"], in: dir, label: "again")
        #expect(again.status != 0 && again.stderr.contains("exists already"), "\(again.stderr)")
    }

    @Test func onlyAllowedKeysTakeTasksAndAnIdBelongsToItsFirstKey() throws {
        let dir = try TemporaryDirectory()
        try Self.makeKeys(in: dir)
        let (coordinator, endpoint) = try Self.startCoordinator(in: dir)
        // Outsiders first, so that they have every chance to take tasks: none can, and each is told why.
        let keyless = try Self.worker("keyless", key: nil, endpoint: endpoint, in: dir)
        let stranger = try Self.worker("stranger", key: "stranger", endpoint: endpoint, in: dir)
        #expect(keyless.wait(timeout: 30) == 2, "\(keyless.standardError)")
        #expect(keyless.standardError.contains("give this worker --key and --server-key"), "\(keyless.standardError)")
        #expect(stranger.wait(timeout: 30) == 2, "\(stranger.standardError)")
        #expect(stranger.standardError.contains("refused this worker's key"), "\(stranger.standardError)")
        #expect(eventually(timeout: 10) { coordinator.standardError.contains("key not in the allowlist") }, "\(coordinator.standardError)")
        #expect(
            eventually(timeout: 10) { coordinator.standardError.contains("a connection failed its handshake: the") },
            "\(coordinator.standardError)")
        let allowed = try Self.worker("allowed", key: "workers/a", endpoint: endpoint, in: dir)
        #expect(eventually(timeout: 120) { (try? Self.results(dir)["allowed"]) == 40 }, "\(coordinator.standardError)")
        // Another allowed key claiming the id `allowed` is turned away: the id is the first key's.
        let impostor = try Self.worker("allowed", key: "workers/b", endpoint: endpoint, in: dir, label: "impostor")
        #expect(impostor.wait(timeout: 30) == 2, "\(impostor.standardError)")
        #expect(impostor.standardError.contains("belongs to another key"), "\(impostor.standardError)")
        #expect(coordinator.standardError.contains("that worker id belongs to another key"))
        // Admin commands still reach a CURVE coordinator (over its ipc endpoint, outside ZAP).
        let status = try MnemoProcess.run(["status", dir.path("curve.sqlite"), "--json"], in: dir, label: "status", timeout: 60)
        let document = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect((document?["coordinator"] as? [String: Any])?["running"] as? Bool == true, "\(status.stdout)\(status.stderr)")
        // The same key under its own id is welcome (workers may share a key, not an id).
        let sharer = try Self.worker("b-own-id", key: "workers/b", endpoint: endpoint, in: dir)
        #expect(eventually(timeout: 30) { sharer.standardError.contains("joined sweep") }, "\(sharer.standardError)")
        coordinator.kill(SIGTERM)
        #expect(coordinator.wait(timeout: 60) != nil)
        allowed.kill(SIGTERM)
        sharer.kill(SIGTERM)
        let done = try Self.results(dir)
        #expect(done["allowed"] == 40 && done.values.reduce(0, +) == 40, "\(done)")
        #expect(try Store.openReadOnly(path: dir.path("curve.sqlite")).resultCount(sweepID: "curve") == 40)
        // A restarted coordinator still gives the id to its first key: the impostor is the first to
        // say hello under it this time, and is refused all the same.
        let (restarted, again) = try Self.startCoordinator(in: dir)
        let second = try Self.worker("allowed", key: "workers/b", endpoint: again, in: dir, label: "impostor-again")
        #expect(second.wait(timeout: 30) == 2, "\(second.standardError)")
        #expect(second.standardError.contains("belongs to another key"), "\(second.standardError)")
        restarted.kill(SIGTERM)
    }

    @Test func aWorkerKeyCannotCancelOnTheWorkerSocketAndAWrongServerKeyGetsNowhere() throws {
        let dir = try TemporaryDirectory()
        try Self.makeKeys(in: dir)
        let (coordinator, endpoint) = try Self.startCoordinator(in: dir)
        // An allowed worker key sends a well-formed cancel to the worker socket: it is dropped unanswered.
        let credentials = AdminClient.Credentials(
            keyPair: try CurveKeyFiles.loadSecret(dir.path("keys/workers/a.key")),
            serverKey: try CurveKeyFiles.loadPublic(dir.path("keys/coordinator.pub")))
        for command in [AdminRequest.Command.cancel, .retry, .drain] {
            #expect(throws: AdminError.self) {
                try AdminClient.send(
                    AdminRequest(command: command, sweep: "curve", worker: "any"), endpoint: endpoint, credentials: credentials,
                    timeout: .seconds(2))
            }
        }
        // A worker whose --server-key is not the coordinator's never gets in, and says what to check.
        var arguments = ["worker", "--connect", endpoint, "--id", "misled", "--idle-exit", "12"]
        arguments += ["--key", dir.path("keys/workers/a.key"), "--server-key", dir.path("keys/stranger.pub")]
        let misled = try MnemoProcess(arguments, in: dir, label: "misled")
        #expect(misled.wait(timeout: 60) == 2, "\(misled.standardError)")
        #expect(misled.standardError.contains("with --server-key its public key"), "\(misled.standardError)")
        #expect(coordinator.standardError.contains("the server key is wrong"), "\(coordinator.standardError)")
        let status = try AdminCommandTests.status(dir.path("curve.sqlite"), in: dir)
        #expect(AdminCommandTests.tasks(status, sweep: "curve")["pending"] == 40, "nothing cancelled, nothing taken: \(status)")
        coordinator.kill(SIGTERM)
        #expect(coordinator.wait(timeout: 60) != nil)
    }

    @Test func sighupReadsTheAllowlistAgain() throws {
        let dir = try TemporaryDirectory()
        try Self.makeKeys(in: dir)
        let publicKey = { (name: String) in try String(contentsOfFile: dir.path("keys/workers/\(name).pub"), encoding: .utf8) }
        let allowlist = try dir.write("# workers allowed\n" + publicKey("a"), to: "allowed-keys")
        let (coordinator, address) = try Self.startCoordinator(in: dir, allow: allowlist)
        let early = try Self.worker("b-early", key: "workers/b", endpoint: address, in: dir)
        #expect(early.wait(timeout: 30) == 2, "b is not allowed yet: \(early.standardError)")
        let a = try Self.worker("a", key: "workers/a", endpoint: address, in: dir)
        #expect(eventually(timeout: 60) { (try? Self.results(dir)["a"]) == 40 })
        // Now only b: a is turned away at its next heartbeat, b gets in.
        try ("# rotated\n" + publicKey("b")).write(toFile: allowlist, atomically: true, encoding: .utf8)
        Foundation.kill(coordinator.pid, SIGHUP)
        #expect(eventually(timeout: 10) { coordinator.standardError.contains("(1 added, 1 removed)") }, "\(coordinator.standardError)")
        #expect(a.wait(timeout: 30) == 2, "\(a.standardError)")
        #expect(a.standardError.contains("no longer in the coordinator's allowlist"), "\(a.standardError)")
        let late = try Self.worker("b-late", key: "workers/b", endpoint: address, in: dir)
        #expect(eventually(timeout: 30) { late.standardError.contains("joined sweep") }, "\(late.standardError)")
        // A list that cannot be read leaves the current one in force.
        try "not a key\n".write(toFile: allowlist, atomically: true, encoding: .utf8)
        Foundation.kill(coordinator.pid, SIGHUP)
        #expect(eventually(timeout: 10) { coordinator.standardError.contains("kept the previous allowlist") })
        #expect(coordinator.isRunning)
        coordinator.kill(SIGTERM)
        #expect(coordinator.wait(timeout: 30) == 0, "\(coordinator.standardOutput)")
        late.kill(SIGTERM)
    }

    @Test func aSecretKeyOthersMayReadIsRefusedBeforeTheDatabaseIsOpened() throws {
        let dir = try TemporaryDirectory()
        try Self.makeKeys(in: dir)
        chmod(dir.path("keys/coordinator.key"), 0o644)
        let sweep = try dir.write(Self.sweep, to: "curve.yaml")
        let run = try MnemoProcess.run(
            ["coordinator", sweep, "--db", dir.path("curve.sqlite"), "--key", dir.path("keys/coordinator.key"), "--allow", dir.path("keys/workers")],
            in: dir, label: "coordinator", timeout: 60)
        #expect(run.status != 0 && run.stderr.contains("readable by others") && run.stderr.contains("chmod 600"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("curve.sqlite")))
    }

    @Test func anOpenBindWithoutCurveNeedsInsecure() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep, to: "curve.yaml")
        let run = try MnemoProcess.run(
            ["coordinator", sweep, "--bind", "tcp://*:5599", "--db", dir.path("curve.sqlite")], in: dir, label: "open", timeout: 60)
        #expect(run.status != 0, "\(run.stderr)")
        for option in ["--key", "--allow", "--insecure"] {
            #expect(run.stderr.contains(option), "\(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path("curve.sqlite")))
    }
}
