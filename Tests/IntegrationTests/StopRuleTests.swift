import Foundation
import MnemoStore
import MnemoTestSupport
import Testing

/// `estimator.stop_when`: the coordinator ends a trial once its rule is met, the sweep succeeds, readers
/// say so, and the scores are those of the same runs without the rule.
@Suite(.serialized, .enabled(if: NumPy.isAvailable))
struct StopRuleTests {
    static func sweep(subsets: Int, rule: String?) -> String {
        """
        name: stopping
        seed: 17
        dataset:
          name: synthetic
          label_noise: 0.05
          synthetic: {class_count: 4, dimension: 16, common_modes_per_class: 2, common_mode_size: 20, rare_modes_per_class: 0, common_test_size: 5, spread: 0.5}
        model: {kind: mlp, hidden: [32]}
        training: {batch_size: 32, learning_rate: 0.1, max_epochs: 300, until_train_accuracy: 1.0}
        estimator:
          subsets: \(subsets)
          ratio: 0.5
        \(rule.map { "  stop_when: \($0)" } ?? "")
        """
    }

    @Test func aTrialStopsOnceItsFlippedExamplesArePreciseAndScoresEqualTheSameRunsWithoutTheRule() throws {
        let dir = try TemporaryDirectory()
        let ruled = try dir.write(Self.sweep(subsets: 40, rule: "{mem_se_below: 0.2, examples: flipped}"), to: "ruled.yaml")
        let run = try MnemoProcess.run(["run", ruled, "--workers", "1"], in: dir, label: "ruled")
        #expect(run.status == 0, "a trial stopped by its rule is a success: \(run.stderr)")
        let tasks = try Store.openReadOnly(path: dir.path("ruled.sqlite")).tasks(sweepID: "stopping")
        let done = tasks.filter { $0.state == .done }.map(\.subsetIndex).sorted()
        let cancelled = tasks.filter { $0.state == .cancelled }
        #expect(done.count >= 4 && done.count < 40, "the rule should end the trial early: \(done.count) runs")
        #expect(done == Array(0..<done.count), "one worker takes the subsets in order: \(done)")
        #expect(cancelled.count == 40 - done.count)
        // The rule was met after `met` runs; a result already on its way may have been accepted with it.
        let prefix = "stopped by estimator.stop_when: mem SE below 0.2 for the flipped examples after "
        let reason = try #require(cancelled.first?.lastError)
        let met = try #require(Int(reason.dropFirst(prefix.count).prefix { $0.isNumber }), "\(reason)")
        #expect(reason == prefix + "\(met) runs" && (met...met + 4).contains(done.count), "\(reason), \(done.count) done")
        #expect(cancelled.allSatisfy { $0.lastError == reason }, "\(cancelled.map(\.lastError))")
        #expect(run.stdout.contains("\(40 - done.count) of 40 tasks not needed: their trials met estimator.stop_when"), "\(run.stdout)")

        let export = try MnemoProcess.run(["export", dir.path("ruled.sqlite"), "--out", dir.path("ruled")], in: dir, label: "export")
        try #require(export.status == 0, "\(export.stderr)")
        #expect(!export.stderr.contains("partial"), "a stopped trial is not partial: \(export.stderr)")
        // The rule holds on the runs done, and could not hold on the first few. (The coordinator counts
        // results in the order they are committed, which need not be subset order, so the exact run
        // that met the rule is not recomputed from the subset-ordered archive.)
        let check = try NumPy.run(
            """
            import sys, numpy as np
            r = np.load(sys.argv[1] + "/runs.npz"); flipped = np.load(sys.argv[1] + "/fz_estimates.npz")["tr_flipped_idx"]
            order = np.argsort(r["subset_idx"]); m = r["trainset_mask"][order].astype(float); c = r["trainset_correctness"][order].astype(float)
            def worst(k):
                n_in = m[:k].sum(0); n_out = k - n_in; k_in = (m[:k] * c[:k]).sum(0); k_out = ((1 - m[:k]) * c[:k]).sum(0)
                with np.errstate(all="ignore"):
                    p_in = (k_in + 1) / (n_in + 2); p_out = (k_out + 1) / (n_out + 2)
                    se = np.sqrt(p_in * (1 - p_in) / n_in + p_out * (1 - p_out) / n_out)
                se = se[flipped]
                return np.inf if np.isnan(se).any() else se.max()
            print(worst(len(order)) < 0.2, worst(3) < 0.2)
            """, arguments: [dir.path("ruled")])
        #expect(check.trimmingCharacters(in: .whitespacesAndNewlines) == "True False", "\(check)")

        let scores = try MnemoProcess.run(["scores", dir.path("ruled.sqlite")], in: dir, label: "scores")
        #expect(scores.stdout.contains("! \(reason); \(done.count) of 40 runs done, the others were not needed"), "\(scores.stdout)")
        let compare = try MnemoProcess.run(["compare", dir.path("ruled.sqlite")], in: dir, label: "compare")
        #expect(!compare.stdout.hasPrefix("partial") && compare.stdout.contains("\(done.count) of 40 (stopped)"), "\(compare.stdout)")

        // The same runs without the rule: the same scores, byte for byte.
        let plain = try dir.write(Self.sweep(subsets: done.count, rule: nil), to: "plain.yaml")
        #expect(try MnemoProcess.run(["run", plain, "--workers", "2", "--quiet"], in: dir, label: "plain").status == 0)
        #expect(try MnemoProcess.run(["export", dir.path("plain.sqlite"), "--out", dir.path("plain")], in: dir, label: "export-plain").status == 0)
        for file in ["memorization.csv", "entropy.csv", "influence_top.csv", "fz_estimates.npz"] {
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: dir.path("ruled/\(file)")))
                    == Data(contentsOf: URL(fileURLWithPath: dir.path("plain/\(file)"))), "\(file)")
        }
    }

    @Test func aRuleAddedToAGrownSweepIsCheckedAgainstTheStoredRunsFirst() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write(Self.sweep(subsets: 20, rule: nil), to: "grown.yaml")
        #expect(try MnemoProcess.run(["run", file, "--workers", "2", "--quiet"], in: dir, label: "first").status == 0)
        // Twenty runs already meet the rule: growing to forty with it trains nothing more.
        try dir.write(Self.sweep(subsets: 40, rule: "{mem_se_below: 0.2, examples: flipped}"), to: "grown.yaml")
        let second = try MnemoProcess.run(["run", file, "--workers", "2"], in: dir, label: "second")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("20 of 40 tasks not needed"), "\(second.stdout)")
        #expect(try Store.openReadOnly(path: dir.path("grown.sqlite")).resultCount(sweepID: "stopping") == 20)
    }

    @Test func aRetriedTrialWhoseRuleStillHoldsStopsAgainWhoeverServesIt() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write(Self.sweep(subsets: 40, rule: "{mem_se_below: 0.2, examples: flipped}"), to: "again.yaml")
        #expect(try MnemoProcess.run(["run", file, "--workers", "1", "--quiet"], in: dir, label: "first").status == 0)
        let db = dir.path("again.sqlite")
        let done = try Store.openReadOnly(path: db).resultCount(sweepID: "stopping")
        #expect(done < 40)
        // Retried without a coordinator, the next one stops the trial again before training anything.
        #expect(try MnemoProcess.run(["retry", db], in: dir, label: "retry").stdout.contains("\(40 - done) tasks pending again"))
        let second = try MnemoProcess.run(["run", file, "--workers", "1"], in: dir, label: "second")
        #expect(second.status == 0 && second.stdout.contains("\(40 - done) of 40 tasks not needed"), "\(second.stdout)\(second.stderr)")
        #expect(try Store.openReadOnly(path: db).resultCount(sweepID: "stopping") == done)
        // A serving coordinator does the same on a retry, says so, and stopped afterwards exits 0.
        let (coordinator, _) = try FaultToleranceTests.startCoordinator(
            ["coordinator", "--db", db, "--bind", "tcp://127.0.0.1:*", "--serve", "--no-progress"], in: dir)
        let retried = try MnemoProcess.run(["retry", db], in: dir, label: "retry-served")
        #expect(retried.stdout.contains("still meets estimator.stop_when and was stopped again"), "\(retried.stdout)\(retried.stderr)")
        coordinator.kill(SIGTERM)
        #expect(coordinator.wait(timeout: 30) == 0, "\(coordinator.standardOutput)")
        #expect(coordinator.standardOutput.contains("or not needed (estimator.stop_when)"), "\(coordinator.standardOutput)")
        #expect(try Store.openReadOnly(path: db).resultCount(sweepID: "stopping") == done)
    }

    @Test func rulesThatCannotApplyToTheDataAreRefusedWithTheirPlace() throws {
        let dir = try TemporaryDirectory()
        let noFlips = try dir.write(
            Self.sweep(subsets: 4, rule: "{mem_se_below: 0.1, examples: flipped}").replacingOccurrences(of: "label_noise: 0.05", with: "label_noise: 0"),
            to: "noflips.yaml")
        let first = try MnemoProcess.run(["run", noFlips, "--quiet"], in: dir, label: "noflips")
        #expect(first.status != 0 && first.stderr.contains("noflips.yaml:12:") && first.stderr.contains("examples: flipped needs planted flips"), "\(first.stderr)")
        let outside = try dir.write(Self.sweep(subsets: 4, rule: "{mem_se_below: 0.1, examples: [3, 500]}"), to: "outside.yaml")
        let second = try MnemoProcess.run(["run", outside, "--quiet"], in: dir, label: "outside")
        #expect(second.status != 0 && second.stderr.contains("training example indices below 160"), "\(second.stderr)")
        let typo = try dir.write(Self.sweep(subsets: 4, rule: "{mem_se_below: 0.1, example: all}"), to: "typo.yaml")
        let third = try MnemoProcess.run(["run", typo, "--quiet"], in: dir, label: "typo")
        #expect(third.status != 0 && third.stderr.contains("estimator.stop_when.example: unknown key 'example'"), "\(third.stderr)")
    }
}
