import Foundation
import MnemoTestSupport
import Testing

/// `mnemo scores` asks the coordinator serving a database for its live estimates, which it rebuilds
/// from the stored results when it starts and feeds with every result it commits; the scores are the
/// ones the database gives, at every point.
@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: SweepFixture.fashionMNISTDirectory)))
struct LiveScoresTests {
    /// `mnemo scores DB`: its output and where it says the estimates came from.
    static func scores(_ db: String, sweep: String? = nil, in dir: TemporaryDirectory) throws -> (text: String, source: String) {
        let run = try MnemoProcess.run(
            ["scores", db, "--top", "8"] + (sweep.map { ["--sweep", $0] } ?? []), in: dir, label: "scores", timeout: 90)
        guard run.status == 0 else { throw TestFailure("scores failed: \(run.stderr)") }
        return (run.stdout, run.stderr)
    }

    static func done(_ db: String, sweep: String = "faults", in dir: TemporaryDirectory) -> Int {
        (try? AdminCommandTests.status(db, in: dir)).map { AdminCommandTests.tasks($0, sweep: sweep)["done"] ?? 0 } ?? 0
    }

    @Test func scoresComeFromTheRunningCoordinatorAndEqualTheDatabasesBeforeAndAfterARestart() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(WorkerLifecycleTests.sweep(subsets: 8), to: "faults.yaml")
        let db = dir.path("faults.sqlite")
        let (first, endpoint) = try FaultToleranceTests.startCoordinator(
            ["coordinator", sweep, "--bind", "tcp://127.0.0.1:*", "--db", db, "--serve"], in: dir)
        let worker = try MnemoProcess(["worker", "--connect", endpoint, "--id", "w1"], in: dir, label: "w1")
        #expect(eventually(timeout: 90) { Self.done(db, in: dir) >= 3 })
        worker.kill(SIGKILL)
        _ = worker.wait(timeout: 10)
        let stored = Self.done(db, in: dir)
        #expect(stored >= 3 && stored < 8, "\(stored) runs stored")

        // Fed by the commits: the live copy counts every stored run.
        let live = try Self.scores(db, in: dir)
        #expect(live.source.contains("live estimates of the coordinator serving"), "\(live.source)")
        #expect(live.source.contains("(\(stored) runs)"), "\(live.source)")
        #expect(live.text.contains("\(stored) runs of 8"), "\(live.text)")
        first.kill(SIGTERM)
        #expect(first.wait(timeout: 30) == 130, "\(first.standardError)")
        let fromDatabase = try Self.scores(db, in: dir)
        #expect(fromDatabase.source.contains("aggregated from the results stored"), "\(fromDatabase.source)")
        #expect(fromDatabase.source.contains("no coordinator serves it"), "\(fromDatabase.source)")
        #expect(live.text == fromDatabase.text)

        // A coordinator whose budget holds no aggregate says so, and scores reads the database.
        let (small, _) = try FaultToleranceTests.startCoordinator(
            ["coordinator", "--db", db, "--bind", "tcp://127.0.0.1:*", "--serve", "--aggregate-memory", "1K"], in: dir)
        let unheld = try Self.scores(db, in: dir)
        #expect(unheld.source.contains("aggregated from the results stored"), "\(unheld.source)")
        #expect(unheld.source.contains("beyond what is left of the coordinator's --aggregate-memory"), "\(unheld.source)")
        #expect(unheld.text == fromDatabase.text)
        small.kill(SIGTERM)
        #expect(small.wait(timeout: 30) == 130, "\(small.standardError)")

        // Rebuilt from the stored runs at start, then fed by the new ones.
        let (restarted, again) = try FaultToleranceTests.startCoordinator(
            ["coordinator", "--db", db, "--bind", "tcp://127.0.0.1:*", "--serve"], in: dir)
        let rebuilt = try Self.scores(db, in: dir)
        #expect(rebuilt.source.contains("live estimates"), "\(rebuilt.source)")
        #expect(rebuilt.text == fromDatabase.text)
        let finisher = try MnemoProcess(["worker", "--connect", again, "--id", "w2"], in: dir, label: "w2")
        #expect(eventually(timeout: 90) { Self.done(db, in: dir) == 8 })
        let complete = try Self.scores(db, in: dir)
        #expect(complete.source.contains("live estimates") && complete.source.contains("(8 runs)"), "\(complete.source)")
        restarted.kill(SIGTERM)
        #expect(restarted.wait(timeout: 30) == 0, "\(restarted.standardError)")
        finisher.kill(SIGTERM)
        _ = finisher.wait(timeout: 30)
        let final = try Self.scores(db, in: dir)
        #expect(final.source.contains("aggregated from the results stored"), "\(final.source)")
        #expect(complete.text == final.text)

        // With --log-format json, the note is a JSON object on standard error and stdout is unchanged.
        let json = try MnemoProcess.run(["scores", db, "--top", "8", "--log-format", "json"], in: dir, label: "scores-json", timeout: 90)
        #expect(json.status == 0 && json.stdout == final.text, "\(json.stderr)")
        let lines = json.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["message"] as? String != nil, "not a JSON log line: \(line)")
        }
        #expect(json.stderr.contains("aggregated from the results stored"), "\(json.stderr)")
    }

    @Test func aFinishedSweepsAggregateMakesRoomForARunningOnes() throws {
        let dir = try TemporaryDirectory()
        let first = try dir.write(AdminCommandTests.sweep(name: "first", subsets: 3), to: "first.yaml")
        let second = try dir.write(AdminCommandTests.sweep(name: "second", subsets: 3), to: "second.yaml")
        let db = dir.path("lab.sqlite")
        // Room for one trial's aggregate (2,000 × 200 examples of 10 classes: about 210 KB), not two.
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(
            ["coordinator", first, "--bind", "tcp://127.0.0.1:*", "--db", db, "--serve", "--aggregate-memory", "300K"], in: dir)
        let worker = try MnemoProcess(["worker", "--connect", endpoint, "--id", "w1"], in: dir, label: "w1")
        #expect(eventually(timeout: 90) { Self.done(db, sweep: "first", in: dir) == 3 })
        #expect(try Self.scores(db, sweep: "first", in: dir).source.contains("live estimates"))

        let submit = try MnemoProcess.run(["submit", second, "--db", db], in: dir, label: "submit")
        #expect(submit.status == 0, "\(submit.stderr)")
        #expect(eventually(timeout: 90) { Self.done(db, sweep: "second", in: dir) == 3 })
        let running = try Self.scores(db, sweep: "second", in: dir)
        #expect(running.source.contains("live estimates") && running.source.contains("(3 runs)"), "\(running.source)")
        let finished = try Self.scores(db, sweep: "first", in: dir)
        #expect(finished.source.contains("aggregated from the results stored"), "\(finished.source)")
        #expect(finished.source.contains("its sweep had finished"), "\(finished.source)")
        coordinator.kill(SIGTERM)
        #expect(coordinator.wait(timeout: 30) == 0, "\(coordinator.standardError)")
        worker.kill(SIGTERM)
        _ = worker.wait(timeout: 30)
        #expect(try Self.scores(db, sweep: "first", in: dir).text == finished.text)
    }
}
