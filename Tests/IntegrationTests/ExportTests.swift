import Foundation
import MnemoStore
import MnemoTestSupport
import Testing

/// `mnemo export` through the real binary: every trial at once, files that describe themselves, bytes
/// that depend only on the runs, and examples that map back to the rows of the user's files.
@Suite(.serialized)
struct ExportTests {
    /// A 2×2 grid on generated data with planted flips: 4 trials of 4 tiny runs each.
    static let grid = """
        name: grid
        seed: 4
        \(ExternalTrainerTests.dataset)
        model: {kind: mlp, hidden: [16]}
        training: {batch_size: 32, learning_rate: 0.1, max_epochs: 5}
        estimator: {subsets: 4}
        grid: {learning_rate: [0.05, 0.1], batch_size: [16, 32]}
        """

    static let exportFiles = [
        "convergence.csv", "entropy.csv", "fz_estimates.npz", "ground_truth.npz", "influence_top.csv", "influencers.csv", "memorization.csv",
        "runs.npz", "summary.json",
    ]

    @Test func allTrialsWritesEachTrialWithRunsAsItsOwnExportWouldAndListsEveryTrial() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.grid, to: "grid.yaml")
        let db = dir.path("grid.sqlite")
        #expect(try MnemoProcess.run(["submit", sweep], in: dir, label: "submit").status == 0)
        let cancel = try MnemoProcess.run(["cancel", db, "grid", "--trial", "3"], in: dir, label: "cancel")
        #expect(cancel.status == 0, "\(cancel.stderr)")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2", "--quiet"], in: dir, label: "run")
        #expect(run.status == 3, "trial 3 stays cancelled: \(run.stderr)")

        let export = try MnemoProcess.run(
            ["export", db, "--out", dir.path("all"), "--all-trials"], in: dir, label: "export-all")
        try #require(export.status == 0, "\(export.stderr)")
        #expect(export.stderr.contains("trial 3 (4 of 4, learning_rate=0.1,batch_size=32): no finished run"), "\(export.stderr)")
        #expect(try Self.contents(of: dir.path("all")) == ["trial-0", "trial-1", "trial-2", "trials.csv"])

        let table = try Self.csv(at: dir.path("all/trials.csv"))
        #expect(
            table.header == [
                "trial", "name", "runs", "runs_total", "test_accuracy_mean", "train_subset_accuracy_mean",
                "mean_epochs", "mislabeled_auc", "learning_rate", "batch_size",
            ])
        #expect(table.column("trial") == ["0", "1", "2", "3"])
        #expect(table.column("runs") == ["4", "4", "4", "0"])
        #expect(table.column("runs_total") == ["4", "4", "4", "4"])
        #expect(table.rows[3][4...7].allSatisfy { $0 == "nan" }, "\(table.rows[3])")
        let store = try Store.openReadOnly(path: db)
        #expect(table.column("name") == (try store.trials(sweepID: "grid").map(\.name)))
        for row in table.rows {
            // The settings columns say what the trial's name says.
            #expect(row[1] == "learning_rate=\(row[8]),batch_size=\(row[9])")
        }

        let version = try MnemoProcess.run(["--version"], in: dir, label: "version").stdout
        for trial in 0..<3 {
            let single = dir.path("single-\(trial)")
            let one = try MnemoProcess.run(
                ["export", db, "--trial", "\(trial)", "--out", single], in: dir, label: "export-\(trial)")
            try #require(one.status == 0, "\(one.stderr)")
            let folder = dir.path("all/trial-\(trial)")
            #expect(try Self.contents(of: folder) == Self.exportFiles)
            for file in Self.exportFiles where file != "summary.json" {
                #expect(
                    try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(file)"))
                        == Data(contentsOf: URL(fileURLWithPath: "\(single)/\(file)")), "trial \(trial): \(file)")
            }
            var summary = try Self.json(at: "\(folder)/summary.json")
            var alone = try Self.json(at: "\(single)/summary.json")
            #expect(summary["exported_at"] is String && alone["exported_at"] is String)
            summary["exported_at"] = nil
            alone["exported_at"] = nil
            #expect(NSDictionary(dictionary: summary) == NSDictionary(dictionary: alone), "trial \(trial)")

            // The summary describes the trial: its settings, the sweep's seed and spec, the engine, the data.
            let params = try #require(summary["params"] as? [String: Any])
            #expect(params["learning_rate"] as? Double == Double(table.rows[trial][8]))
            #expect(params["batch_size"] as? Int == Int(table.rows[trial][9]))
            #expect(summary["seed"] as? Int == 4)
            let spec = try #require(summary["spec"] as? [String: Any])
            #expect(spec["name"] as? String == "grid" && spec["seed"] as? Int == 4)
            #expect((spec["estimator"] as? [String: Any])?["subsets"] as? Int == 4)
            let trainer = try #require(summary["trainer"] as? [String: String])
            #expect(trainer["kind"] == "builtin")
            let engine = try #require(trainer["engine_version"])
            #expect(version.contains("(training engine \(engine))"), "\(engine) vs \(version)")
            #expect(summary["dataset_sha256"] as? String == (try store.sweep(id: "grid")?.datasetSHA256))
            #expect(summary["database"] as? String == URL(fileURLWithPath: db).standardizedFileURL.path)
            #expect(summary["trial"] as? String == table.rows[trial][1])
            #expect(String(describing: summary["test_accuracy"] ?? "").hasPrefix(String(table.rows[trial][4].prefix(6))))
        }

        let both = try MnemoProcess.run(
            ["export", db, "--out", dir.path("both"), "--all-trials", "--trial", "1"], in: dir, label: "both")
        #expect(both.status == CommandBoundsTests.usageStatus)
        #expect(both.stderr.contains("--all-trials and --trial 1 exclude each other"), "\(both.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("both")))
    }

    @Test func equalRunsExportEqualBytesWhateverOrderTheyWereStoredIn() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.grid, to: "grid.yaml")
        for (label, workers) in [("one", "1"), ("two", "2")] {
            let run = try MnemoProcess.run(
                ["run", sweep, "--db", dir.path("\(label).sqlite"), "--workers", workers, "--quiet"], in: dir,
                label: "run-\(label)")
            try #require(run.status == 0, "\(run.stderr)")
            let export = try MnemoProcess.run(
                ["export", dir.path("\(label).sqlite"), "--out", dir.path(label), "--all-trials"], in: dir,
                label: "export-\(label)")
            try #require(export.status == 0, "\(export.stderr)")
            // ZIP entries keep times to 2 s: apart by more, the two exports cannot share a time by chance.
            Thread.sleep(forTimeInterval: 2.1)
        }
        let files = try #require(FileManager.default.subpaths(atPath: dir.path("one"))).sorted()
        #expect(files == (try FileManager.default.subpaths(atPath: dir.path("two")))?.sorted())
        let compared = files.filter { $0.hasSuffix(".csv") || $0.hasSuffix(".npz") }
        #expect(compared.count == 1 + 4 * 8, "\(files)")
        for file in compared {
            let one = try Data(contentsOf: URL(fileURLWithPath: dir.path("one/\(file)")))
            let two = try Data(contentsOf: URL(fileURLWithPath: dir.path("two/\(file)")))
            #expect(one == two, "\(file) differs between the two databases")
        }
        // The provenance is in summary.json, and only there.
        let summary = try Self.json(at: dir.path("two/trial-0/summary.json"))
        #expect(summary["database"] as? String == dir.url.appendingPathComponent("two.sqlite").standardizedFileURL.path)
    }

    /// Label of row `row` of a split: scattered, so that an example mapped to the wrong row shows.
    static func label(_ row: Int, salt: Int) -> Int {
        ((row &* 2_654_435_761 &+ salt) >> 7) % 3
    }

    /// Three well-separated classes of 4 features, labelled by ``label(_:salt:)``.
    static func rows(count: Int, salt: Int) -> String {
        (0..<count).map { row in
            let label = Self.label(row, salt: salt)
            let features = (0..<4).map { axis in String(Double(axis == label ? 3 : 0) + Double((row * 31 + axis) % 10) / 20) }
            return (features + [String(label)]).joined(separator: ",")
        }.joined(separator: "\n") + "\n"
    }

    @Test func examplesMapBackToTheRowsOfTheUsersFiles() throws {
        let dir = try TemporaryDirectory()
        let sweep = try SweepIdentityTests.csvStudy(
            in: dir,
            sweep: """
                \(SweepFixture.csvBesideData)
                  train_limit: 100
                  test_limit: 20
                model: {kind: mlp, hidden: [8]}
                training: {batch_size: 16, learning_rate: 0.1, max_epochs: 3}
                estimator: {subsets: 4}
                """,
            train: Self.rows(count: 150, salt: 1), test: Self.rows(count: 30, salt: 2))
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2", "--quiet"], in: dir, label: "run")
        try #require(run.status == 0, "\(run.stderr)")
        let export = try MnemoProcess.run(
            ["export", dir.path("sweeps/held.sqlite"), "--out", dir.path("out")], in: dir, label: "export")
        try #require(export.status == 0, "\(export.stderr)")

        let memorization = try Self.csv(at: dir.path("out/memorization.csv"))
        #expect(memorization.header.prefix(6) == ["index", "label", "original_label", "flipped", "mem", "mem_se"])
        let train = memorization.column("source_index").compactMap { Int($0) }
        #expect(train.count == 100)
        #expect(zip(train, train.dropFirst()).allSatisfy { $0 < $1 }, "kept in file order")
        #expect(train.last ?? 150 < 150 && train != Array(0..<100), "a selection of the 150 rows: \(train)")
        for (row, source) in zip(memorization.rows, train) {
            #expect(row[2] == String(Self.label(source, salt: 1)), "example \(row[0]) is row \(source) of train.csv")
        }
        let entropy = try Self.csv(at: dir.path("out/entropy.csv"))
        let test = entropy.column("source_index").compactMap { Int($0) }
        #expect(test.count == 20 && test != Array(0..<20) && (test.last ?? 30) < 30)
        for (row, source) in zip(entropy.rows, test) {
            #expect(row[1] == String(Self.label(source, salt: 2)), "test example \(row[0]) is row \(source) of test.csv")
        }
        let pairs = try Self.csv(at: dir.path("out/influence_top.csv"))
        #expect(!pairs.rows.isEmpty)
        for row in pairs.rows {
            #expect(row[6] == String(train[Int(row[0])!]) && row[7] == String(test[Int(row[1])!]), "\(row)")
        }

        guard NumPy.isAvailable else { return }
        let arrays = try NumPy.run(
            """
            import sys, numpy as np
            est = np.load(sys.argv[1])
            for name in ("tr_source_idx", "tt_source_idx"):
                assert est[name].dtype == np.int64, est[name].dtype
                print(",".join(map(str, est[name])))
            """, arguments: [dir.path("out/fz_estimates.npz")])
        let printed: [String] = arrays.split(separator: "\n").map(String.init)
        let expected: [String] = [train, test].map { indices in indices.map { String($0) }.joined(separator: ",") }
        #expect(printed == expected)
    }

    // MARK: - Reading what was written

    private static func contents(of path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    private static func json(at path: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    /// A CSV file's header and rows (fields may be quoted, with `""` for a quote).
    private static func csv(at path: String) throws -> (header: [String], rows: [[String]], column: (String) -> [String]) {
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            var fields: [String] = []
            var field = ""
            var quoted = false
            var previous: Character?
            for character in line {
                if character == "\"" {
                    if quoted, previous == "\"" { field.append("\"") }
                    quoted.toggle()
                } else if character == ",", !quoted {
                    fields.append(field)
                    field = ""
                } else {
                    field.append(character)
                }
                previous = character
            }
            return fields + [field]
        }
        let header = lines.removeFirst()
        let rows = lines
        return (header, rows, { name in rows.map { $0[header.firstIndex(of: name)!] } })
    }
}
