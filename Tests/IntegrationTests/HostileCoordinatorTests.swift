import Foundation
import MnemoCluster
import MnemoCore
import MnemoStore
import MnemoTestSupport
import MnemoWire
import Testing

/// A worker facing a coordinator that lies, and commands facing files that are not what they seem.
@Suite(.serialized)
struct HostileCoordinatorTests {
    @Test func aLeaseWhoseSpecDoesNotFitFailsTheTaskAndTheWorkerLives() throws {
        let dir = try TemporaryDirectory()
        let sweepFile = try dir.write(CommandBoundsTests.sweep, to: "bounds.yaml")
        // The real dataset hash, so that the worker's data check passes and the spec itself is at fault.
        let submit = try MnemoProcess.run(["submit", sweepFile, "--db", dir.path("bounds.sqlite")], in: dir, label: "submit")
        try #require(submit.status == 0, "\(submit.stderr)")
        let hash = try #require(try Store.openReadOnly(path: dir.path("bounds.sqlite")).sweeps().first?.datasetSHA256)
        let sweep = try SweepParser.parse(contentsOf: sweepFile)
        var spec = TaskSpec(sweep: sweep, trial: sweep.trials[0], subset: 0, datasetHash: hash, trainCount: 10, engineVersion: "x")
        spec.ratio = 0

        let context = try ZMQContext()
        let router = try ZMQSocket(context: context, kind: .router)
        try router.set(.linger(.zero))
        try router.bind("tcp://127.0.0.1:*")
        let worker = try MnemoProcess(
            ["worker", "--connect", try router.lastEndpoint, "--id", "victim", "--idle-exit", "20"], in: dir, label: "victim")
        var outcome: TaskOutcome?
        let deadline = Date().addingTimeInterval(30)
        while outcome == nil, Date() < deadline, let frames = try router.receive(timeout: .seconds(1)) {
            let routed = try RoutedEnvelope.decode(frames)
            switch routed.envelope.type {
            case .hello:
                try router.send(Envelope(type: .welcome, header: Welcome(sweepName: "x", heartbeatMilliseconds: 1000)), to: routed.peer)
            case .ready:
                let lease = Lease(tasks: [LeasedTask(taskId: "t1", attempt: 1, spec: spec)])
                try router.send(Envelope(type: .lease, header: lease), to: routed.peer)
            case .result:
                outcome = try routed.envelope.decodeHeader(ResultBatch.self).outcomes.first
            default:
                break
            }
        }
        let reported = try #require(outcome, "the worker reported nothing: \(worker.standardError)")
        #expect(reported.failure?.kind == .deterministic)
        #expect(reported.failure?.reason.contains("does not fit") == true, "\(String(describing: reported.failure))")
        #expect(worker.isRunning, "the worker lives: \(worker.standardError)")
        Foundation.kill(worker.pid, SIGTERM)
        #expect(worker.wait(timeout: 30) == 0)
    }

    @Test func commandsThatWriteRefuseAFileThatIsNotAMnemoDatabase() throws {
        let dir = try TemporaryDirectory()
        let foreign = dir.path("foreign.sqlite")
        let make = try ChildProcess.run(
            "/usr/bin/python3", ["-c", "import sqlite3; c = sqlite3.connect('\(foreign)'); c.execute('create table foo(x)'); c.commit()"])
        #expect(make.status == 0, "\(make.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
        for command in [["retry", foreign], ["cancel", foreign, "any"], ["delete", foreign, "any"]] {
            let run = try MnemoProcess.run(command, in: dir, label: command[0])
            #expect(run.status != 0 && run.stderr.contains("not a Mnemo database"), "\(command[0]): \(run.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before, "the file is untouched")
    }

    @Test func theLockFileIsNeverFollowedThroughALink() throws {
        let dir = try TemporaryDirectory()
        let sweepFile = try dir.write(CommandBoundsTests.sweep, to: "bounds.yaml")
        let db = dir.path("bounds.sqlite")
        try #require(try MnemoProcess.run(["submit", sweepFile, "--db", db], in: dir, label: "submit").status == 0)
        let victim = try dir.write("precious\n", to: "victim.txt")
        try FileManager.default.removeItem(atPath: db + ".lock")
        try FileManager.default.createSymbolicLink(atPath: db + ".lock", withDestinationPath: victim)
        let retry = try MnemoProcess.run(["retry", db], in: dir, label: "retry")
        #expect(retry.status != 0, "\(retry.stdout)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
    }

    @Test func aCoordinatorIsFoundEvenWhenItsLockFileWasEmptied() throws {
        let dir = try TemporaryDirectory()
        let sweepFile = try dir.write(CommandBoundsTests.sweep.replacingOccurrences(of: "subsets: 2", with: "subsets: 4"), to: "bounds.yaml")
        let db = dir.path("bounds.sqlite")
        let port = try FreePort.pick()
        let coordinator = try MnemoProcess(
            ["coordinator", sweepFile, "--db", db, "--bind", "tcp://127.0.0.1:\(port)", "--serve"], in: dir, label: "coordinator")
        #expect(eventually(timeout: 30) { coordinator.standardError.contains("serving sweep") })
        try Data().write(to: URL(fileURLWithPath: db + ".lock"))
        let status = try MnemoProcess.run(["status", db, "--json"], in: dir, label: "status", timeout: 30)
        #expect(status.status == 0 && status.stdout.contains("\"running\" : true"), "\(status.stdout)\(status.stderr)")
        // A malformed admin message is answered, not left to time out.
        let context = try ZMQContext()
        let client = try ZMQSocket(context: context, kind: .dealer)
        try client.set(.linger(.zero))
        try client.connect(AdminEndpoint.forDatabase(db))
        try client.send([Data([1]), Data("admin".utf8), Data("[1, 2]".utf8)])
        let reply = try #require(try client.receive(timeout: .seconds(10)), "no answer to a malformed request")
        #expect(try Envelope.decode(reply).decodeHeader(AdminReply.self).ok == false)
        Foundation.kill(coordinator.pid, SIGTERM)
        #expect(coordinator.wait(timeout: 30) == 130)
    }
}
