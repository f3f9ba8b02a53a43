import Foundation
import MnemoTestSupport
import Testing

/// Exact leave-one-out (`estimator: {kind: loo, seeds: 8}`) on a tiny deterministic problem validates the
/// subset estimator: NumPy recomputes `loo.csv` from the per-run archive, and on the true-class margin
/// the subset estimates rank the 20 largest leave-one-out effects as leave-one-out does (Spearman ≥ 0.8).
@Suite(.serialized, .enabled(if: NumPy.isAvailable))
struct LeaveOneOutTests {
    /// 96 training examples of 3 classes, two of them rare per class, 5% flipped labels.
    static func sweep(name: String, estimator: String) -> String {
        """
        name: \(name)
        seed: 5
        dataset:
          name: synthetic
          label_noise: 0.05
          synthetic: {class_count: 3, dimension: 8, common_modes_per_class: 2, common_mode_size: 15, rare_modes_per_class: 2, rare_mode_size: 1, common_test_size: 5, rare_test_size: 1, spread: 0.5}
        model: {kind: mlp, hidden: [32]}
        training: {batch_size: 32, learning_rate: 0.2, max_epochs: 200, until_train_accuracy: 1.0}
        estimator: \(estimator)
        outputs: [correctness, margin]
        """
    }

    static let script = #"""
        import sys, csv, json, numpy as np
        loo_dir, subsets_dir = sys.argv[1], sys.argv[2]
        rows = list(csv.DictReader(open(f"{loo_dir}/loo.csv")))
        column = lambda key: np.array([float(row[key]) for row in rows])
        r = np.load(f"{loo_dir}/runs.npz")
        subset, mask = r["subset_idx"], r["trainset_mask"]
        correct, margin = r["trainset_correctness"].astype(float), r["trainset_margin"].astype(float)
        n = mask.shape[1]
        seed, position = subset // (n + 1), subset % (n + 1)
        for k in range(len(subset)):
            expected = np.ones(n, bool)
            if position[k] > 0: expected[position[k] - 1] = False
            assert (mask[k] == expected).all(), f"run {subset[k]}: mask"
        full = {s: k for k, (s, p) in enumerate(zip(seed, position)) if p == 0}
        without = {(s, p - 1): k for k, (s, p) in enumerate(zip(seed, position)) if p > 0}
        worst = 0.0
        for i in range(n):
            pairs = [(full[s], without[(s, i)]) for s in sorted(full) if (s, i) in without]
            for values, key in [(correct, "mem_loo"), (margin, "margin_loo")]:
                effects = np.array([values[a, i] - values[b, i] for a, b in pairs])
                worst = max(worst, abs(effects.mean() - column(key)[i]),
                            abs(effects.std(ddof=1) / np.sqrt(len(effects)) - column(key + "_se")[i]))
            assert column("seeds")[i] == len(pairs) == 8
        loo = column("margin_loo")
        s = np.load(f"{subsets_dir}/runs.npz")
        m, g = s["trainset_mask"].astype(float), s["trainset_margin"].astype(float)
        estimate = (m * g).sum(0) / m.sum(0) - ((1 - m) * g).sum(0) / (1 - m).sum(0)
        top = np.argsort(-np.abs(loo), kind="stable")[:20]
        ranks = lambda x: np.argsort(np.argsort(x, kind="stable"), kind="stable").astype(float)
        rho = np.corrcoef(ranks(loo[top]), ranks(estimate[top]))[0, 1]
        print(json.dumps({"worst": float(worst), "spearman": float(rho), "n": int(n)}))
        """#

    @Test func exactLeaveOneOutAgreesWithNumPyAndRanksLikeTheSubsetEstimator() throws {
        let dir = try TemporaryDirectory()
        let loo = try dir.write(Self.sweep(name: "loo", estimator: "{kind: loo, seeds: 8}"), to: "loo.yaml")
        let subsets = try dir.write(Self.sweep(name: "subsets", estimator: "{subsets: 200}"), to: "subsets.yaml")
        for file in [loo, subsets] {
            let run = try MnemoProcess.run(["run", file, "--workers", "2", "--quiet"], in: dir, label: "run")
            try #require(run.status == 0, "\(run.stderr)")
        }
        for name in ["loo", "subsets"] {
            let export = try MnemoProcess.run(["export", dir.path("\(name).sqlite"), "--out", dir.path(name)], in: dir, label: "export")
            try #require(export.status == 0, "\(export.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: dir.path("loo/loo.csv")))
        #expect(!FileManager.default.fileExists(atPath: dir.path("subsets/loo.csv")), "only leave-one-out sweeps write it")
        let output = try NumPy.run(Self.script, arguments: [dir.path("loo"), dir.path("subsets")])
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Double])
        #expect(figures["n"] == 96)
        #expect((figures["worst"] ?? 1) < 1e-6, "loo.csv against NumPy: \(figures)")
        #expect((figures["spearman"] ?? 0) >= 0.8, "\(figures)")
    }

    @Test func leaveOneOutTakesSeedsNotSubsets() throws {
        let dir = try TemporaryDirectory()
        let bad = try dir.write(Self.sweep(name: "bad", estimator: "{kind: loo, subsets: 10}"), to: "bad.yaml")
        let run = try MnemoProcess.run(["run", bad, "--quiet"], in: dir, label: "bad")
        #expect(run.status != 0 && run.stderr.contains("bad.yaml:9:33: estimator.subsets: leave-one-out trains n + 1 runs per seed"), "\(run.stderr)")
        let large = try dir.write(
            Self.sweep(name: "large", estimator: "{kind: loo}").replacingOccurrences(of: "common_mode_size: 15", with: "common_mode_size: 400"),
            to: "large.yaml")
        let refused = try MnemoProcess.run(["run", large, "--quiet"], in: dir, label: "large")
        #expect(refused.status != 0 && refused.stderr.contains("it is meant for at most 2000 examples"), "\(refused.stderr)")
    }
}
