import Foundation
import MnemoTestSupport
import Testing

/// Planted effects on generated data, checked from the exports alone (`ground_truth.npz` says what was
/// planted): flipped labels are memorized, each planted duplicate is the top influencer of its test
/// copy, and rare-subpopulation test examples fall in lower entropy buckets than common ones.
@Suite(.serialized, .enabled(if: NumPy.isAvailable))
struct PlantedEffectsTests {
    /// Interpolating models (until subset accuracy 1.0) on a long-tailed mixture: 4 rare modes of one
    /// training example per class, 20 planted memorization pairs, 5% flipped labels; 32 runs.
    static let sweep = """
        name: planted
        seed: 17
        dataset:
          name: synthetic
          label_noise: 0.05
          synthetic: {class_count: 4, dimension: 16, common_modes_per_class: 2, common_mode_size: 40, rare_modes_per_class: 4, rare_mode_size: 1, common_test_size: 10, rare_test_size: 2, spread: 0.5, duplicates: 20}
        model: {kind: mlp, hidden: [64]}
        training: {batch_size: 32, learning_rate: 0.1, max_epochs: 300, until_train_accuracy: 1.0}
        estimator: {subsets: 32}
        """

    static let script = #"""
        import sys, csv, json, numpy as np
        out = sys.argv[1]
        truth, fz = np.load(f"{out}/ground_truth.npz"), np.load(f"{out}/fz_estimates.npz")
        memorization = list(csv.DictReader(open(f"{out}/memorization.csv")))
        mem = np.array([float(row["mem"]) for row in memorization])
        flipped = np.array([row["flipped"] == "1" for row in memorization])
        known = ~np.isnan(mem)
        positive, negative = mem[known & flipped], mem[known & ~flipped]
        auc = ((positive[:, None] > negative[None, :]).sum() + 0.5 * (positive[:, None] == negative[None, :]).sum()) / (len(positive) * len(negative))
        hits = 0
        for train, test in zip(truth["dup_train_idx"], truth["dup_test_idx"]):
            c = fz["tt_labels"][test]
            rows, column = fz[f"tr_classidx_{c}"], list(fz[f"tt_classidx_{c}"]).index(test)
            hits += rows[np.nanargmax(fz[f"infl_matrix_class{c}"][:, column])] == train
        buckets = np.array([int(row["bucket"]) for row in csv.DictReader(open(f"{out}/entropy.csv"))])
        rare = truth["tt_rare"]
        print(json.dumps({"flipped": int(flipped.sum()), "auc": float(auc), "pairs": len(truth["dup_train_idx"]),
                          "hits": int(hits), "rare_bucket": float(buckets[rare].mean()),
                          "common_bucket": float(buckets[~rare].mean()), "rare": int(rare.sum())}))
        """#

    @Test func flipsDuplicatesAndRareSubpopulationsShowFromTheExportsAlone() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep, to: "planted.yaml")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2", "--quiet"], in: dir, label: "run")
        try #require(run.status == 0, "\(run.stderr)")
        let export = try MnemoProcess.run(["export", dir.path("planted.sqlite"), "--out", dir.path("out")], in: dir, label: "export")
        try #require(export.status == 0, "\(export.stderr)")
        let output = try NumPy.run(Self.script, arguments: [dir.path("out")])
        let figures = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Double])
        #expect(figures["flipped"] == 17 && figures["pairs"] == 20 && figures["rare"] == 32, "\(figures)")
        #expect((figures["auc"] ?? 0) >= 0.9, "flipped labels: \(figures)")
        #expect((figures["hits"] ?? 0) >= 18, "the planted duplicate tops its test copy's influencers in 90%: \(figures)")
        #expect((figures["rare_bucket"] ?? 9) < (figures["common_bucket"] ?? 0), "\(figures)")
    }
}
