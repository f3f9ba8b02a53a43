import Foundation
import MnemoTestSupport
import Testing

/// The systemd units in `cluster/systemd/` verify (`systemd-analyze verify`, where systemd is
/// installed), stop gracefully, hand the secret keys over as credentials the `mnemo` user can read,
/// and give every worker start its own id. Their command lines are run by the shell as systemd would
/// run them (specifiers and `$$` resolved), with `mnemo` replaced by `printf`, to see the arguments
/// mnemo would get.
@Suite struct SystemdUnitTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func unit(_ name: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("cluster/systemd/\(name)"), encoding: .utf8)
    }

    /// The arguments mnemo gets from `unit`'s `ExecStart` on host `host`, instance `instance`, in
    /// `environment` (what systemd sets: the settings file, `CREDENTIALS_DIRECTORY`, `INVOCATION_ID`, …).
    static func arguments(of unit: String, host: String, instance: String, environment: [String: String]) throws -> [String] {
        guard let line = unit.split(separator: "\n").first(where: { $0.hasPrefix("ExecStart=/bin/sh -c '") }),
            line.hasSuffix("'")
        else { throw TestFailure("no `ExecStart=/bin/sh -c '…'` line") }
        let script = String(line.dropFirst("ExecStart=/bin/sh -c '".count).dropLast())
            .replacingOccurrences(of: "%H", with: host).replacingOccurrences(of: "%i", with: instance)
            .replacingOccurrences(of: "$$", with: "$")
            .replacingOccurrences(of: "/usr/local/bin/mnemo", with: "printf \"%s\\n\"")
        let run = try ChildProcess.run(
            "/usr/bin/env", ["-i"] + environment.map { "\($0)=\($1)" } + ["/bin/sh", "-c", script], timeout: 30)
        guard run.status == 0 else { throw TestFailure("the command line failed: \(run.stderr)") }
        return run.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    static func value(of option: String, in arguments: [String]) -> String? {
        arguments.firstIndex(of: option).flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
    }

    @Test func theUnitsVerify() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze") else { return }
        let run = try ChildProcess.run(
            "/usr/bin/systemd-analyze", ["verify", "cluster/systemd/mnemo-coordinator.service", "cluster/systemd/mnemo-worker@.service"],
            directory: Self.root.path, timeout: 60)
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
    }

    @Test func aWorkerGetsItsKeyAsACredentialAndAnIdOfItsOwnPerInstanceAndStart() throws {
        let unit = try Self.unit("mnemo-worker@.service")
        #expect(unit.contains("LoadCredential=worker.key:/etc/mnemo/worker.key"))
        #expect(unit.contains("KillSignal=SIGTERM") && unit.contains("TimeoutStopSec=45"), "room for the 30 s grace")
        #expect(unit.contains("User=mnemo"))
        func start(instance: String, invocation: String) throws -> [String] {
            try Self.arguments(
                of: unit, host: "gpu7", instance: instance,
                environment: [
                    "MNEMO_COORDINATOR": "tcp://head:5555", "MNEMO_SERVER_KEY": "/etc/mnemo/coordinator.pub",
                    "CREDENTIALS_DIRECTORY": "/run/credentials/mnemo-worker@\(instance).service",
                    "INVOCATION_ID": invocation, "CACHE_DIRECTORY": "/var/cache/mnemo-worker-\(instance)",
                ])
        }
        let first = try start(instance: "1", invocation: "0f3a")
        #expect(Array(first.prefix(1)) == ["worker"])
        #expect(Self.value(of: "--connect", in: first) == "tcp://head:5555")
        #expect(Self.value(of: "--key", in: first) == "/run/credentials/mnemo-worker@1.service/worker.key")
        #expect(Self.value(of: "--server-key", in: first) == "/etc/mnemo/coordinator.pub")
        #expect(Self.value(of: "--cache-dir", in: first) == "/var/cache/mnemo-worker-1")
        let ids = [
            Self.value(of: "--id", in: first), Self.value(of: "--id", in: try start(instance: "1", invocation: "77b2")),
            Self.value(of: "--id", in: try start(instance: "2", invocation: "0f3a")),
        ]
        #expect(ids == ["gpu7-1-0f3a", "gpu7-1-77b2", "gpu7-2-0f3a"], "per instance and per start")
    }

    @Test func theCoordinatorGetsItsKeyAsACredential() throws {
        let unit = try Self.unit("mnemo-coordinator.service")
        #expect(unit.contains("LoadCredential=coordinator.key:/etc/mnemo/coordinator.key"))
        #expect(unit.contains("ExecReload=/bin/kill -HUP $MAINPID"))
        let arguments = try Self.arguments(
            of: unit, host: "head", instance: "",
            environment: [
                "MNEMO_DB": "/var/lib/mnemo/lab.sqlite", "MNEMO_BIND": "tcp://0.0.0.0:5555", "MNEMO_ALLOW": "/etc/mnemo/workers",
                "MNEMO_METRICS": "127.0.0.1:9464", "CREDENTIALS_DIRECTORY": "/run/credentials/mnemo-coordinator.service",
                "CACHE_DIRECTORY": "/var/cache/mnemo-coordinator",
            ])
        #expect(Array(arguments.prefix(1)) == ["coordinator"])
        #expect(Self.value(of: "--key", in: arguments) == "/run/credentials/mnemo-coordinator.service/coordinator.key")
        #expect(Self.value(of: "--allow", in: arguments) == "/etc/mnemo/workers")
        #expect(Self.value(of: "--db", in: arguments) == "/var/lib/mnemo/lab.sqlite")
        #expect(arguments.contains("--serve"))
    }
}
