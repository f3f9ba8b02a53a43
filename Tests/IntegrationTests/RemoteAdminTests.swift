import Foundation
import MnemoCluster
import MnemoTestSupport
import MnemoWire
import Testing

/// `--admin-bind`: admin commands from other machines over CURVE, from admin keys only. A worker key,
/// a stranger's key or no key cannot reach them; every refusal says why.
@Suite(.serialized) struct RemoteAdminTests {
    @Test func onlyAdminKeysSendAdminCommandsOverTCP() throws {
        let dir = try TemporaryDirectory()
        try CurveSecurityTests.makeKeys(in: dir)
        let made = try MnemoProcess.run(["keys", "generate", "--out", dir.path("keys/admins"), "--name", "alice"], in: dir, label: "alice")
        #expect(made.status == 0, "\(made.stderr)")
        let sweep = try dir.write(CurveSecurityTests.sweep, to: "curve.yaml")
        let adminEndpoint = "tcp://127.0.0.1:\(try FreePort.pick())"
        let base = [
            "coordinator", sweep, "--bind", "tcp://127.0.0.1:*", "--db", dir.path("curve.sqlite"), "--key",
            dir.path("keys/coordinator.key"), "--allow", dir.path("keys/workers"), "--no-progress", "--serve",
        ]
        // The admin endpoint needs its own allowlist.
        let lonely = try MnemoProcess.run(base + ["--admin-bind", adminEndpoint], in: dir, label: "lonely")
        #expect(lonely.status != 0 && lonely.stderr.contains("--allow-admin"), "\(lonely.stderr)")
        let (coordinator, _) = try FaultToleranceTests.startCoordinator(
            base + ["--admin-bind", adminEndpoint, "--allow-admin", dir.path("keys/admins")], in: dir)
        #expect(eventually(timeout: 10) { coordinator.standardError.contains("admin commands from admin keys on \(adminEndpoint)") })

        func admin(_ arguments: [String], key: String?) throws -> (status: Int32?, stdout: String, stderr: String) {
            var full = arguments
            if let key { full += ["--key", dir.path("keys/\(key).key"), "--server-key", dir.path("keys/coordinator.pub")] }
            let result = try MnemoProcess.run(full, in: dir, label: "admin", timeout: 60)
            return (result.status, result.stdout, result.stderr)
        }
        let status = try admin(["status", adminEndpoint, "--json"], key: "admins/alice")
        #expect(status.status == 0, "\(status.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect((document["sweeps"] as? [[String: Any]])?.first?["id"] as? String == "curve")
        let table = try admin(["status", adminEndpoint], key: "admins/alice")
        #expect(table.stdout.contains("curve") && table.stdout.contains("coordinator: host"), "\(table.stdout)")
        let other = try admin(["status", adminEndpoint, "--sweep", "nothing-of-that-name"], key: "admins/alice")
        #expect(other.status == 0 && !other.stdout.contains("curve "), "\(other.stdout)")
        let failures = try admin(["status", adminEndpoint, "--failures"], key: "admins/alice")
        #expect(failures.status != 0 && failures.stderr.contains("--failures reads the database file"), "\(failures.stderr)")

        // A worker's key is not an admin key; nor is a stranger's; without a key the CLI says what it needs.
        for outsider in ["workers/a", "stranger"] {
            let refused = try admin(["cancel", adminEndpoint, "curve"], key: outsider)
            #expect(refused.status != 0 && refused.stderr.contains("refused this key"), "\(outsider): \(refused.stderr)")
        }
        let keyless = try admin(["cancel", adminEndpoint, "curve"], key: nil)
        #expect(keyless.status != 0 && keyless.stderr.contains("takes CURVE: give --key"), "\(keyless.stderr)")
        #expect(eventually(timeout: 10) { coordinator.standardError.contains("key not in the admin allowlist") }, "\(coordinator.standardError)")

        // The server refuses, not only the CLI: a raw peer without CURVE gets no answer; an admin's open
        // connection loses its rights once its key leaves the list (SIGHUP), though ZAP let it in.
        let context = try ZMQContext()
        func dealer(_ credentials: AdminClient.Credentials?) throws -> ZMQSocket {
            let socket = try ZMQSocket(context: context, kind: .dealer)
            try socket.set(.linger(.zero))
            try socket.set(.sendTimeout(.seconds(3)))
            if let credentials {
                try socket.set(.curveSecretKey(credentials.keyPair.secretKey))
                try socket.set(.curvePublicKey(credentials.keyPair.publicKey))
                try socket.set(.curveServerKey(credentials.serverKey))
            }
            try socket.connect(adminEndpoint)
            return socket
        }
        /// The reply to a status request, or nil when none comes (a refused peer cannot even send).
        func ask(_ socket: ZMQSocket) throws -> AdminReply? {
            guard (try? socket.send(Envelope(type: .admin, header: AdminRequest(command: .status)).encode())) != nil else {
                return nil
            }
            return try socket.receive(timeout: .seconds(3)).map { try Envelope.decode($0).decodeHeader(AdminReply.self) }
        }
        let plain = try dealer(nil)
        #expect(try ask(plain) == nil, "a peer without a key is never answered")
        plain.close()
        let alice = try dealer(
            AdminClient.Credentials(
                keyPair: try CurveKeyFiles.loadSecret(dir.path("keys/admins/alice.key")),
                serverKey: try CurveKeyFiles.loadPublic(dir.path("keys/coordinator.pub"))))
        #expect(try ask(alice)?.ok == true)

        let cancel = try admin(["cancel", adminEndpoint, "curve"], key: "admins/alice")
        #expect(cancel.status == 0 && cancel.stdout.contains("cancelled 40 tasks"), "\(cancel.stdout)\(cancel.stderr)")
        let submitted = try admin(["submit", sweep, "--db", adminEndpoint, "--new-sweep"], key: "admins/alice")
        #expect(submitted.status == 0 && submitted.stdout.contains("curve-2"), "\(submitted.stdout)\(submitted.stderr)")
        let relative = try admin(["submit", "curve.yaml", "--db", adminEndpoint], key: "admins/alice")
        #expect(relative.status != 0 && relative.stderr.contains("give its absolute path there"), "\(relative.stderr)")

        // Alice hands over to Bob.
        #expect(try MnemoProcess.run(["keys", "generate", "--out", dir.path("keys/admins"), "--name", "bob"], in: dir, label: "bob").status == 0)
        try FileManager.default.removeItem(atPath: dir.path("keys/admins/alice.pub"))
        Foundation.kill(coordinator.pid, SIGHUP)
        #expect(
            eventually(timeout: 10) { coordinator.standardError.contains("reloaded the admin allowlist") && coordinator.standardError.contains("(1 added, 1 removed)") },
            "\(coordinator.standardError)")
        let revoked = try ask(alice)
        #expect(revoked?.ok == false && revoked?.message.contains("not in the admin allowlist") == true, "\(String(describing: revoked))")
        alice.close()
        coordinator.kill(SIGTERM)
    }
}
