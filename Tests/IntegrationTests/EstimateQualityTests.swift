import Foundation
import MnemoStore
import MnemoTestSupport
import Testing

/// What limits a trial's estimates is said by `scores`, `export` and `compare`: runs still to come,
/// examples no run left out (undefined mem), runs below the fit target, top lists without estimates
/// whose SE is too large.
@Suite(.serialized, .enabled(if: NumPy.isAvailable))
struct EstimateQualityTests {
    static func sweep(subsets: Int) -> String {
        """
        name: rough
        seed: 8
        \(ExternalTrainerTests.dataset)
        model: {kind: mlp, hidden: [16]}
        training: {batch_size: 32, learning_rate: 0.1, max_epochs: 1, until_train_accuracy: 1.0}
        estimator: {subsets: \(subsets), ratio: 0.7}
        """
    }

    @Test func aGrownUnfittedFourRunTrialSaysEverythingThatLimitsIt() throws {
        let dir = try TemporaryDirectory()
        let four = try dir.write(Self.sweep(subsets: 4), to: "rough.yaml")
        let run = try MnemoProcess.run(["run", four, "--workers", "2", "--quiet"], in: dir, label: "run")
        try #require(run.status == 0, "\(run.stderr)")
        // Grown to six subsets with no coordinator: two runs are still to come.
        try dir.write(Self.sweep(subsets: 6), to: "rough.yaml")
        #expect(try MnemoProcess.run(["submit", four], in: dir, label: "submit").status == 0)
        let db = dir.path("rough.sqlite")

        let export = try MnemoProcess.run(["export", db, "--out", dir.path("out")], in: dir, label: "export")
        try #require(export.status == 0, "\(export.stderr)")
        #expect(export.stderr.contains("mnemo.export") && export.stderr.contains("partial: 4 of 6 runs"), "\(export.stderr)")
        // Counted independently from the exported masks.
        let counts = try NumPy.run(
            """
            import sys, numpy as np
            masks = np.load(sys.argv[1])["trainset_mask"]
            inside = masks.sum(axis=0)
            print(int((inside == masks.shape[0]).sum()), int((inside == 0).sum()), masks.shape[0])
            """, arguments: [dir.path("out/runs.npz")]
        ).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try #require(counts.count == 3 && counts[2] == 4)
        let (everyRun, noRun) = (counts[0], counts[1])
        #expect(everyRun > 0, "with 4 runs at ratio 0.7 about a quarter of the examples are never left out")
        var below = 0
        try Store.openReadOnly(path: db).forEachResult(sweepID: "rough", trialIndex: 0) { if $0.subsetAccuracy < 1 { below += 1 } }
        #expect(below > 0, "one epoch on noisy labels does not fit its subset")

        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("out/summary.json")))) as? [String: Any])
        let quality = try #require(summary["quality"] as? [String: Any])
        #expect(quality["never_left_out"] as? Int == everyRun && quality["never_trained_on"] as? Int == noRun)
        #expect(quality["runs_below_fit_target"] as? Int == below && quality["tasks_total"] as? Int == 6)
        #expect((summary["warnings"] as? [String])?.count == 3, "\(summary["warnings"] ?? "none")")

        let scores = try MnemoProcess.run(["scores", db, "--top", "5"], in: dir, label: "scores")
        try #require(scores.status == 0, "\(scores.stderr)")
        #expect(scores.stdout.contains("! partial: 4 of 6 runs"), "\(scores.stdout)")
        #expect(
            scores.stdout.contains(
                "! undefined mem (NaN) for \(everyRun + noRun) training examples: \(everyRun) in every run's subset, \(noRun) in none; about "),
            "\(scores.stdout)")
        #expect(scores.stdout.contains("! \(below) of 4 runs ended below the fit target (until_train_accuracy 1.0)"), "\(scores.stdout)")
        // Four runs give SEs near 0.5: the default threshold leaves them out of the top list and says so.
        #expect(scores.stdout.contains("most memorized training examples (SE ≤ 0.25; "), "\(scores.stdout)")
        #expect(scores.stdout.contains("none of ") && scores.stdout.contains("estimates qualifies yet"), "\(scores.stdout)")
        let loose = try MnemoProcess.run(["scores", db, "--top", "5", "--max-se", "1"], in: dir, label: "loose")
        let rows = Self.table(after: "most memorized training examples", in: loose.stdout)
        #expect(rows.count == 5 && rows.allSatisfy { Double($0.last ?? "") ?? 2 <= 1 }, "\(loose.stdout)")
        #expect(Self.table(after: "most memorized training examples", in: scores.stdout).allSatisfy { Double($0.last ?? "") ?? 2 <= 0.25 })

        let compare = try MnemoProcess.run(["compare", db], in: dir, label: "compare")
        #expect(compare.stdout.hasPrefix("partial: trial 0 4 of 6 runs"), "\(compare.stdout)")
        let json = try MnemoProcess.run(["compare", db, "--json"], in: dir, label: "compare-json")
        #expect(json.stderr.contains("mnemo.compare") && json.stderr.contains("partial: trial 0 4 of 6 runs"), "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let trial = try #require((document["trials"] as? [[String: Any]])?.first)
        #expect(trial["runs"] as? Int == 4 && trial["runs_total"] as? Int == 6)
    }

    /// The rows (cells split on spaces) of the table that follows the line starting with `title`.
    static func table(after title: String, in text: String) -> [[String]] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix(title) }) else { return [] }
        return lines[(start + 2)...].prefix { !$0.isEmpty }.map { $0.split(separator: " ").map(String.init) }
    }
}
