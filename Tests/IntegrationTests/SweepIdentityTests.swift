import Foundation
import MnemoStore
import MnemoTestSupport
import Testing

/// A sweep's identity includes its dataset: a changed dataset is refused (never mixed), a grown sweep
/// reuses its finished runs, a diverging sweep fails loudly, and one database has one coordinator.
@Suite(.serialized)
struct SweepIdentityTests {
    static func csvSweep(subsets: Int = 4, learningRate: Double = 0.1) -> String {
        """
        \(SweepFixture.csvBesideData)
        model: {kind: softmax}
        training: {batch_size: 16, learning_rate: \(learningRate), max_epochs: 3}
        estimator: {subsets: \(subsets)}
        """
    }

    /// A folder with data/ (`train` and `test`, by default 60 and 30 rows of blobs) and
    /// sweeps/held.yaml; returns the sweep's path.
    static func csvStudy(
        in dir: TemporaryDirectory, scale: Double = 1, sweep: String = csvSweep(),
        train: String = DatasetFormsRunTests.blobs(count: 60, salt: 1),
        test: String = DatasetFormsRunTests.blobs(count: 30, salt: 2)
    ) throws -> String {
        try FileManager.default.createDirectory(atPath: dir.path("data"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.path("sweeps"), withIntermediateDirectories: true)
        try dir.write(scaled(train, by: scale), to: "data/train.csv")
        try dir.write(scaled(test, by: scale), to: "data/test.csv")
        return try dir.write(sweep, to: "sweeps/held.yaml")
    }

    /// Multiplies every feature (not the label, the last column) of a CSV by `factor`.
    static func scaled(_ csv: String, by factor: Double) -> String {
        guard factor != 1 else { return csv }
        return csv.split(separator: "\n").map { line in
            let fields = line.split(separator: ",")
            return (fields.dropLast().map { String(Double($0)! * factor) } + [String(fields.last!)]).joined(separator: ",")
        }.joined(separator: "\n") + "\n"
    }

    @Test func aDatasetChangedUnderTheSamePathIsRefusedAndNewSweepKeepsTheRunsApart() throws {
        let dir = try TemporaryDirectory()
        let sweep = try Self.csvStudy(in: dir)
        let db = dir.path("sweeps/held.sqlite")
        let first = try MnemoProcess.run(["run", sweep, "--workers", "2", "--no-progress"], in: dir, label: "first")
        try #require(first.status == 0, "\(first.stderr)")
        let storedHash = try #require(try Store.openReadOnly(path: db).sweeps().first?.datasetSHA256)

        try dir.write(DatasetFormsRunTests.blobs(count: 60, salt: 99), to: "data/train.csv")
        let refused = try MnemoProcess.run(["run", sweep, "--workers", "2", "--no-progress"], in: dir, label: "refused")
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("the dataset of sweep 'held' changed"), "\(refused.stderr)")
        #expect(refused.stderr.contains("sha256 \(storedHash)"), "the message names the stored hash: \(refused.stderr)")
        #expect(refused.stderr.contains("--new-sweep"))
        #expect(try Store.openReadOnly(path: db).resultCount(sweepID: "held") == 4, "nothing was added to the old sweep")

        let second = try MnemoProcess.run(
            ["run", sweep, "--workers", "2", "--no-progress", "--new-sweep"], in: dir, label: "second")
        #expect(second.status == 0, "\(second.stderr)")
        let store = try Store.openReadOnly(path: db)
        let sweeps = try store.sweeps()
        #expect(sweeps.map(\.id) == ["held", "held-2"])
        #expect(sweeps.map(\.name) == ["held", "held"])
        #expect(sweeps[0].datasetSHA256 != sweeps[1].datasetSHA256)
        #expect(try store.resultCount(sweepID: "held") == 4)
        #expect(try store.resultCount(sweepID: "held-2") == 4)
        // The same command again resumes the newest sweep of that name: nothing to do.
        let again = try MnemoProcess.run(["run", sweep, "--workers", "1", "--no-progress"], in: dir, label: "again")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("sweep held-2: 4 of 4 tasks already done"), "\(again.stderr)")
        // Readers take the newest sweep and say so; --sweep picks the other by id.
        let status = try MnemoProcess.run(["status", db], in: dir, label: "status")
        #expect(status.stderr.contains("reading sweep held-2, the newest of 2"), "\(status.stderr)")
    }

    @Test func raisingSubsetsTrainsOnlyTheNewRunsAndScoresLikeAFreshSweep() throws {
        let grid = "\ngrid: {learning_rate: [0.05, 0.2]}"
        let dir = try TemporaryDirectory()
        let sweep = try Self.csvStudy(in: dir, sweep: Self.csvSweep(subsets: 12) + grid)
        let grown = dir.path("sweeps/held.sqlite")
        let first = try MnemoProcess.run(["run", sweep, "--workers", "2", "--no-progress"], in: dir, label: "twelve")
        try #require(first.status == 0, "\(first.stderr)")
        var before: [String: Date] = [:]
        for trial in 0..<2 {
            try Store.openReadOnly(path: grown).forEachResult(sweepID: "held", trialIndex: trial) { before[$0.taskID] = $0.receivedAt }
        }
        #expect(before.count == 24)

        try dir.write(Self.csvSweep(subsets: 16) + grid, to: "sweeps/held.yaml")
        let second = try MnemoProcess.run(["run", sweep, "--workers", "2", "--no-progress"], in: dir, label: "sixteen")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("sweep held: 24 of 32 tasks already done"), "\(second.stderr)")
        let store = try Store.openReadOnly(path: grown)
        var after: [String: Date] = [:]
        for trial in 0..<2 {
            try store.forEachResult(sweepID: "held", trialIndex: trial) { after[$0.taskID] = $0.receivedAt }
        }
        #expect(after.count == 32)
        #expect(before.allSatisfy { after[$0.key] == $0.value }, "not one of the 24 finished runs was trained again")
        #expect(try store.progress(sweepID: "held").map(\.done) == [16, 16])

        let fresh = dir.path("fresh.sqlite")
        let reference = try MnemoProcess.run(
            ["run", sweep, "--db", fresh, "--workers", "2", "--no-progress"], in: dir, label: "fresh")
        #expect(reference.status == 0, "\(reference.stderr)")
        for trial in 0..<2 {
            for (label, path) in [("grown", grown), ("fresh", fresh)] {
                let export = try MnemoProcess.run(
                    ["export", path, "--trial", "\(trial)", "--out", dir.path("\(label)-\(trial)")], in: dir,
                    label: "export-\(label)-\(trial)")
                #expect(export.status == 0, "\(export.stderr)")
            }
            for file in ["memorization.csv", "influence_top.csv"] {
                let a = try Data(contentsOf: URL(fileURLWithPath: dir.path("grown-\(trial)/\(file)")))
                let b = try Data(contentsOf: URL(fileURLWithPath: dir.path("fresh-\(trial)/\(file)")))
                #expect(a == b, "trial \(trial): \(file) differs between the grown and the fresh sweep")
            }
        }

        // Lowering subsets or changing a setting is refused with every difference listed.
        try dir.write(Self.csvSweep(subsets: 8, learningRate: 0.3) + grid, to: "sweeps/held.yaml")
        let refused = try MnemoProcess.run(["run", sweep, "--no-progress"], in: dir, label: "refused")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("estimator.subsets: 16 → 8 (a sweep can only grow)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("learningRate: 0.1 → 0.3"), "\(refused.stderr)")
    }

    @Test func aDivergingSweepQuarantinesEachTaskAfterOneAttemptAndExits3() throws {
        let dir = try TemporaryDirectory()
        let sweep = try Self.csvStudy(in: dir, scale: 1e4, sweep: Self.csvSweep(learningRate: 10))
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2", "--no-progress"], in: dir, label: "run")
        #expect(run.status == 3, "\(run.stdout)\n\(run.stderr)")
        #expect(run.stdout.contains("4 of 4 tasks quarantined:"), "\(run.stdout)")
        #expect(run.stdout.contains("diverged"), "\(run.stdout)")
        #expect(run.stdout.contains("features range from"), "the final lines repeat the likely cause: \(run.stdout)")
        #expect(run.stderr.contains("far outside [0, 1]"), "the warning when the data is prepared: \(run.stderr)")
        let tasks = try Store.openReadOnly(path: dir.path("sweeps/held.sqlite")).tasks(sweepID: "held")
        #expect(tasks.allSatisfy { $0.state == .quarantined && $0.attempt == 1 }, "\(tasks.map { ($0.state, $0.attempt) })")
        // No run finished: scores refuse instead of printing accuracy 0 and AUC nan.
        let scores = try MnemoProcess.run(["scores", dir.path("sweeps/held.sqlite")], in: dir, label: "scores")
        #expect(scores.status == 1 && scores.stderr.contains("has no finished run yet"), "\(scores.stderr)")
        // Once the cause is fixed, `retry` brings them back with a fresh budget.
        let retry = try MnemoProcess.run(["retry", dir.path("sweeps/held.sqlite"), "--reason", "diverged"], in: dir, label: "retry")
        #expect(retry.stdout.contains("4 tasks pending again"), "\(retry.stdout)\(retry.stderr)")
    }

    @Test func aSecondCoordinatorOnTheSameDatabaseIsRefusedNamingTheFirst() throws {
        let dir = try TemporaryDirectory()
        let sweep = try Self.csvStudy(in: dir)
        let db = dir.path("held.sqlite")
        let (first, _) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        let second = try MnemoProcess.run(
            ["coordinator", sweep, "--bind", "tcp://127.0.0.1:*", "--db", db], in: dir, label: "second", timeout: 60)
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("pid \(first.pid)"), "\(second.stderr)")
        #expect(first.isRunning)
        first.kill(SIGKILL)
        // The kernel released the lock with its holder: a resumed coordinator is not blocked.
        let (resumed, _) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        #expect(resumed.isRunning)
    }

    @Test func aCNNWhoseInputShapeDoesNotFitTheDataIsRefusedBeforeAnythingRuns() throws {
        let dir = try TemporaryDirectory()
        let cnn = Self.csvSweep().replacingOccurrences(
            of: "model: {kind: softmax}",
            with: "model: {kind: cnn, hidden: [8], convolution: {input_shape: [1, 3, 3], channels: [4]}}")
        let sweep = try Self.csvStudy(in: dir, sweep: cnn)
        let run = try MnemoProcess.run(["run", sweep, "--workers", "1", "--no-progress"], in: dir, label: "cnn", timeout: 60)
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("does not fit the dataset"), "\(run.stderr)")
        #expect(run.stderr.contains("have 9 values, the data's examples 4"), "\(run.stderr)")
        // The error names the line and column of the model section, like the parser's own errors.
        let modelLine = try #require(
            try String(contentsOfFile: sweep, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                .firstIndex { $0.hasPrefix("model:") })
        #expect(run.stderr.contains("\(sweep):\(modelLine + 1):1: model: trial 0"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("sweeps/held.sqlite")), "nothing was registered")
    }

    @Test func newSweepWithTheSameDataHasTasksOfItsOwn() throws {
        let dir = try TemporaryDirectory()
        let sweep = try Self.csvStudy(in: dir)
        let db = dir.path("sweeps/held.sqlite")
        #expect(try MnemoProcess.run(["run", sweep, "--workers", "1", "--no-progress"], in: dir, label: "first").status == 0)
        let second = try MnemoProcess.run(
            ["run", sweep, "--workers", "1", "--no-progress", "--new-sweep"], in: dir, label: "second")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("sweep held-2: 0 of 4 tasks already done"), "\(second.stderr)")
        let store = try Store.openReadOnly(path: db)
        #expect(try store.resultCount(sweepID: "held") == 4)
        #expect(try store.resultCount(sweepID: "held-2") == 4)
        // Equal specs, equal runs: the two sweeps' scores agree, from separate rows.
        for (label, id) in [("one", "held"), ("two", "held-2")] {
            let export = try MnemoProcess.run(
                ["export", db, "--sweep", id, "--out", dir.path(label)], in: dir, label: "export-\(label)")
            #expect(export.status == 0, "\(export.stderr)")
        }
        let one = try Data(contentsOf: URL(fileURLWithPath: dir.path("one/memorization.csv")))
        let two = try Data(contentsOf: URL(fileURLWithPath: dir.path("two/memorization.csv")))
        #expect(one == two)
    }
}
