import Foundation
import MnemoStore
import MnemoTestSupport
import Testing

/// Registering a sweep of tens of thousands of tasks: a running coordinator does it beside its loop
/// (heartbeats, leases, commits and admin answers go on), in chunks that each commit on their own, and
/// a coordinator killed in the middle finishes the job the next time it serves the database.
@Suite(.serialized) struct LargeRegistrationTests {
    /// A no-op sweep of `subsets` tasks over a tiny synthetic dataset.
    static func sweep(name: String, subsets: Int) -> String {
        CommandBoundsTests.sweep.replacingOccurrences(of: "name: bounds", with: "name: \(name)")
            .replacingOccurrences(of: "estimator: {subsets: 2}", with: "estimator: {subsets: \(subsets)}") + "\ntrainer: {kind: noop}\n"
    }

    static let largeTasks = 60_000

    static func taskCount(_ db: String, sweep: String) -> Int {
        (try? Store.openReadOnly(path: db).progress(sweepID: sweep).reduce(0) { $0 + $1.total }) ?? 0
    }

    static func doneCount(_ db: String, sweep: String) -> Int {
        (try? Store.openReadOnly(path: db).progress(sweepID: sweep).reduce(0) { $0 + $1.done }) ?? 0
    }

    /// A coordinator serving a sweep of `smallTasks` no-op tasks (`--serve`), and `mnemo submit` of a
    /// sweep of ``largeTasks`` started beside it; the database is `dir/lab.sqlite`.
    static func submitLarge(
        in dir: TemporaryDirectory, smallTasks: Int
    ) throws -> (coordinator: MnemoProcess, endpoint: String, submit: MnemoProcess, db: String) {
        let small = try dir.write(Self.sweep(name: "small", subsets: smallTasks), to: "small.yaml")
        let large = try dir.write(Self.sweep(name: "large", subsets: Self.largeTasks), to: "large.yaml")
        let db = dir.path("lab.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(
            ["coordinator", small, "--bind", "tcp://127.0.0.1:*", "--db", db, "--serve", "--no-progress"], in: dir)
        let submit = try MnemoProcess(["submit", large, "--db", db], in: dir, label: "submit")
        return (coordinator, endpoint, submit, db)
    }

    @Test func aLargeSweepSubmittedToARunningCoordinatorIsRegisteredBesideItsLoop() throws {
        let dir = try TemporaryDirectory()
        let (coordinator, endpoint, submit, db) = try Self.submitLarge(in: dir, smallTasks: 400)
        defer { coordinator.kill(SIGTERM) }
        // While the large sweep is being registered, the coordinator answers status at once and its
        // worker goes on with the small sweep.
        var answers: [TimeInterval] = []
        var doneDuring: [Int] = []
        var worker: MnemoProcess?
        while submit.isRunning, answers.count < 20 {
            let asked = Date()
            let status = try MnemoProcess.run(["status", db, "--json"], in: dir, label: "status", timeout: 30)
            guard submit.isRunning else { break }
            #expect(status.status == 0, "\(status.stderr)")
            answers.append(Date().timeIntervalSince(asked))
            doneDuring.append(Self.doneCount(db, sweep: "small"))
            if worker == nil {
                worker = try MnemoProcess(["worker", "--connect", endpoint, "--id", "w1"], in: dir, label: "w1")
                // The scheduler does not hold the sweep's tasks yet: cancelling it would change nothing.
                let cancel = try MnemoProcess.run(["cancel", db, "large"], in: dir, label: "cancel", timeout: 30)
                if submit.isRunning {
                    #expect(cancel.status != 0 && cancel.stderr.contains("is being registered"), "\(cancel.stdout) \(cancel.stderr)")
                }
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(submit.wait(timeout: 300) == 0, "\(submit.standardError)")
        #expect(submit.standardOutput.contains("sweep large: 0 of \(Self.largeTasks) tasks already done"), "\(submit.standardOutput)")
        print("status answered in \(answers.map { String(format: "%.2f", $0) }) s while registering; small done: \(doneDuring)")
        #expect(answers.count >= 2, "the registration took long enough to ask during it: \(answers)")
        #expect(answers.allSatisfy { $0 < 2 }, "status waited for the registration: \(answers)")
        #expect((doneDuring.last ?? 0) > (doneDuring.first ?? 0), "the worker's tasks were committed meanwhile: \(doneDuring)")
        #expect(Self.taskCount(db, sweep: "large") == Self.largeTasks)
        let store = try Store.openReadOnly(path: db)
        #expect(try store.registrationInProgress(sweepID: "large") == nil, "the registration marked itself complete")
    }

    @Test func aCoordinatorKilledWhileRegisteringFinishesTheRegistrationWhenItServesAgain() throws {
        let dir = try TemporaryDirectory()
        let large = try dir.write(Self.sweep(name: "large", subsets: Self.largeTasks), to: "large.yaml")
        let db = dir.path("large.sqlite")
        let first = try MnemoProcess(
            ["coordinator", large, "--bind", "tcp://127.0.0.1:*", "--db", db, "--no-progress"], in: dir, label: "first")
        // Killed once some chunks are stored and before the last one is.
        #expect(eventually(timeout: 120) { Self.taskCount(db, sweep: "large") > 0 || !first.isRunning })
        first.kill(SIGKILL)
        let stored = Self.taskCount(db, sweep: "large")
        #expect(stored > 0 && stored < Self.largeTasks, "killed in the middle: \(stored) tasks stored")
        #expect(try Store.openReadOnly(path: db).registrationInProgress(sweepID: "large")?.tasks == Self.largeTasks)
        // Readers say the sweep is being registered, with how many tasks are stored so far.
        let status = try MnemoProcess.run(["status", db], in: dir, label: "status")
        #expect(status.stdout.contains("registering: \(stored) of its \(Self.largeTasks) tasks stored so far"), "\(status.stdout)")
        let json = try AdminCommandTests.status(db, in: dir)
        #expect((json["sweeps"] as? [[String: Any]])?.first?["registering"] as? Int == Self.largeTasks, "\(json)")

        let (second, _) = try FaultToleranceTests.startCoordinator(
            ["coordinator", "--bind", "tcp://127.0.0.1:*", "--db", db, "--no-progress"], in: dir)
        defer { second.kill(SIGTERM) }
        #expect(second.standardError.contains("sweep large: finished its registration, which had stopped before \(Self.largeTasks - stored) of its tasks were stored"), "\(second.standardError)")
        #expect(Self.taskCount(db, sweep: "large") == Self.largeTasks)
        #expect(try Store.openReadOnly(path: db).registrationInProgress(sweepID: "large") == nil)
    }

    @Test func aCoordinatorStoppedWhileRegisteringASubmissionAnswersItsClientAtOnce() throws {
        let dir = try TemporaryDirectory()
        let (coordinator, _, submit, db) = try Self.submitLarge(in: dir, smallTasks: 10)
        #expect(eventually(timeout: 120) { Self.taskCount(db, sweep: "large") > 0 || !submit.isRunning })
        coordinator.kill(SIGTERM)
        // Before: the client waited out its ten-minute timeout.
        #expect(submit.wait(timeout: 15) == 1, "\(submit.standardError)")
        #expect(submit.standardError.contains("stopped before it finished registering") && submit.standardError.contains("submit it again"), "\(submit.standardError)")
        let (resumed, _) = try FaultToleranceTests.startCoordinator(
            ["coordinator", "--bind", "tcp://127.0.0.1:*", "--db", db, "--no-progress"], in: dir)
        defer { resumed.kill(SIGTERM) }
        #expect(Self.taskCount(db, sweep: "large") == Self.largeTasks)
    }

    @Test func aGrowthCutShortLeavesItsTrialPartialForEveryReader() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep(name: "grown", subsets: 4), to: "grown.yaml")
        let db = dir.path("grown.sqlite")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "1", "--no-progress"], in: dir, label: "run")
        #expect(run.status == 0, "\(run.stderr)")
        try dir.write(Self.sweep(name: "grown", subsets: Self.largeTasks), to: "grown.yaml")
        let grower = try MnemoProcess(["coordinator", sweep, "--bind", "tcp://127.0.0.1:*", "--db", db, "--no-progress"], in: dir, label: "grower")
        #expect(eventually(timeout: 120) { Self.taskCount(db, sweep: "grown") > 4 || !grower.isRunning })
        grower.kill(SIGKILL)
        #expect(Self.taskCount(db, sweep: "grown") < Self.largeTasks)
        // Four runs of a trial that will have 60,000: partial, whatever was stored when it stopped.
        let scores = try MnemoProcess.run(["scores", db], in: dir, label: "scores")
        #expect(scores.stdout.contains("partial: 4 of \(Self.largeTasks) runs"), "\(scores.stdout)\(scores.stderr)")
        let export = try MnemoProcess.run(["export", db, "--out", dir.path("out")], in: dir, label: "export")
        #expect(export.status == 0, "\(export.stderr)")
        // One trial exports into the folder itself.
        let summary = (try? String(contentsOfFile: dir.path("out/summary.json"), encoding: .utf8)) ?? ""
        #expect(summary.contains("\"partial\" : true"), "\(summary)")
    }
}
