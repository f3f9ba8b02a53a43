import Foundation
import MnemoCore
import MnemoTestSupport
import Testing

/// `mnemo attack` on real sweeps: an overfit MLP whose members the attacks must find, with NumPy
/// recomputing LiRA from the exported runs; and a sweep that stored correctness only.
@Suite(.serialized)
struct AttackCommandTests {
    /// 4 classes of 2 common modes (60 examples) and 4 one-example rare modes, 10% of labels flipped;
    /// a 128-unit MLP trained until it fits its half of the 496 examples.
    static let overfitSweep = """
        name: overfit
        seed: 7
        dataset:
          name: synthetic
          synthetic: {class_count: 4, dimension: 16, common_modes_per_class: 2, common_mode_size: 60, rare_modes_per_class: 4, rare_mode_size: 1, common_test_size: 10, rare_test_size: 1, spread: 0.8}
          label_noise: 0.1
        model: {kind: mlp, hidden: [128]}
        training: {batch_size: 16, learning_rate: 0.1, max_epochs: 200, until_train_accuracy: 1.0}
        outputs: [correctness, loss, logits, probability]
        estimator: {subsets: 16, ratio: 0.5}
        """

    /// Parses all of standard output as one JSON object.
    static func document(_ stdout: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
    }

    /// Runs `sweep` with two local workers, then `mnemo attack DB --json` with `arguments`, expecting
    /// both to succeed, and returns the audit's JSON.
    static func runThenAttack(_ sweep: String, db: String, in dir: TemporaryDirectory, _ arguments: [String] = []) throws
        -> [String: Any]
    {
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2", "--no-progress"], in: dir, label: "run")
        #expect(run.status == 0, "\(run.stderr)")
        let attack = try MnemoProcess.run(["attack", db, "--json"] + arguments, in: dir, label: "attack")
        #expect(attack.status == 0, "\(attack.stderr)")
        return try document(attack.stdout)
    }

    @Test func theAttacksFindTheMembersOfAnOverfitModel() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.overfitSweep, to: "overfit.yaml")
        let db = dir.path("overfit.sqlite")
        let document = try Self.runThenAttack(sweep, db: db, in: dir, ["--out", dir.path("npz")])
        #expect(document["trial"] as? Int == 0 && document["target"] as? Int == 0 && document["reference_runs"] as? Int == 15)
        let attacks = try #require(document["attacks"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: attacks.compactMap { a in (a["name"] as? String).map { ($0, a) } })
        #expect(
            attacks.compactMap { $0["name"] as? String }
                == ["correctness", "confidence", "entropy", "modified_entropy", "loss", "lira_offline", "lira_online", "rmia", "nn"])
        for attack in attacks {
            for metric in ["auc", "advantage", "tpr_at_0.1%_fpr", "tpr_at_1%_fpr", "accuracy"] {
                #expect(attack[metric] is Double && attack[metric + "_std"] is Double, "\(attack["name"] ?? "?") lacks \(metric)")
            }
            #expect(attack["splits"] as? Int == 5)
        }
        let skipped = try #require(document["skipped"] as? [[String: String]])
        #expect(skipped.map { $0["name"] } == ["augmentation", "feature_flip"])
        #expect(skipped.first?["needs"]?.hasPrefix("an image dataset") == true && skipped.last?["needs"] == "label_only")
        func metric(_ name: String, _ key: String) -> Double { byName[name]?[key] as? Double ?? .nan }
        print(
            "overfit sweep: " + attacks.map { a in
                let name = a["name"] as? String ?? "?"
                return "\(name) AUC \(metric(name, "auc")) TPR@0.1% \(metric(name, "tpr_at_0.1%_fpr")) TPR@1% \(metric(name, "tpr_at_1%_fpr"))"
            }.joined(separator: "; "))
        #expect(metric("loss", "auc") >= 0.6 && metric("confidence", "auc") >= 0.6)
        #expect(metric("nn", "auc") > 0.55, "the NN attack beats chance on an overfit model")
        // 124 evaluated non-members: 1% FPR allows one false positive, 0.1% none (the TPR at no false
        // positive). LiRA must do at least as well as the loss attack at both.
        #expect(document["evaluated_per_side"] as? Int == 124)
        for lira in ["lira_offline", "lira_online"] {
            #expect(metric(lira, "tpr_at_1%_fpr") >= metric("loss", "tpr_at_1%_fpr"), "\(lira)")
            #expect(metric(lira, "tpr_at_0.1%_fpr") >= metric("loss", "tpr_at_0.1%_fpr"), "\(lira)")
        }

        // NumPy recomputes LiRA's scores from the exported logits and masks: the archives' scores differ
        // from them only by the attacker's threshold, their membership is the target's mask, and their
        // ROC's area is the Mann–Whitney AUC.
        guard NumPy.isAvailable else { return }
        let export = try MnemoProcess.run(["export", db, "--out", dir.path("out")], in: dir, label: "export")
        #expect(export.status == 0, "\(export.stderr)")
        let output = try NumPy.run(Self.liraCheck, arguments: [dir.path("out"), dir.path("npz")])
        #expect(output.contains("lira_online ok") && output.contains("lira_offline ok"), "\(output)")
        let text = try MnemoProcess.run(["attack", db, "--attacks", "loss,lira_online"], in: dir, label: "text")
        #expect(text.status == 0 && text.stdout.contains("TPR@0.1%FPR") && text.stdout.contains("lira_online"), "\(text.stdout)")
        #expect(text.stdout.contains("TPR@0.1%FPR is the TPR at no false positive"))
    }

    @Test func correctnessAloneRunsTheCorrectnessAttackAndNamesWhatTheOthersNeed() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(
            """
            name: bits
            seed: 3
            dataset:
              name: synthetic
              synthetic: {class_count: 3, dimension: 8, common_modes_per_class: 2, common_mode_size: 20, rare_modes_per_class: 0, common_test_size: 5, spread: 0.8}
            model: {kind: mlp, hidden: [16]}
            training: {batch_size: 16, learning_rate: 0.1, max_epochs: 5}
            estimator: {subsets: 4, ratio: 0.5}
            """, to: "bits.yaml")
        let db = dir.path("bits.sqlite")
        let document = try Self.runThenAttack(sweep, db: db, in: dir)
        #expect((document["attacks"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["correctness"])
        let skipped = try #require(document["skipped"] as? [[String: String]])
        let needs = Dictionary(uniqueKeysWithValues: skipped.compactMap { s in s["name"].map { ($0, s["needs"] ?? "") } })
        #expect(needs["lira_online"] == "logits or loss" && needs["lira_offline"] == "logits or loss")
        #expect(needs["entropy"] == "logits or probability" && needs["confidence"]?.contains("logits") == true)
        #expect(needs.count == 10)

        let outOfRange = try MnemoProcess.run(["attack", db, "--target", "99"], in: dir, label: "range")
        #expect(outOfRange.status != 0 && outOfRange.stdout.isEmpty)
        #expect(outOfRange.stderr.contains("--target 99 is out of range") && outOfRange.stderr.contains("0...3"), "\(outOfRange.stderr)")
        let unknown = try MnemoProcess.run(["attack", db, "--attacks", "loss,shokri"], in: dir, label: "unknown")
        #expect(unknown.status != 0 && unknown.stderr.contains("'shokri'") && unknown.stderr.contains("lira_online"), "\(unknown.stderr)")
        let nothing = try MnemoProcess.run(["attack", db, "--attacks", "entropy,nn", "--json"], in: dir, label: "nothing")
        #expect(nothing.status != 0 && nothing.stdout.isEmpty && nothing.stderr.contains("no attack can run"), "\(nothing.stderr)")
    }

    /// Four classes of `dimension` binary features: each row its class's pattern with each bit flipped
    /// with probability `noise`; the label last. Members must be memorized one by one.
    static func binaryRows(count: Int, dimension: Int = 100, noise: Float = 0.35, stream: UInt64) -> String {
        var patternRNG = CounterRNG(key: 5, stream: 0)
        let patterns = (0..<4).map { _ in (0..<dimension).map { _ in Int(patternRNG.next() & 1) } }
        var rng = CounterRNG(key: 5, stream: stream)
        return (0..<count).map { row in
            let bits = patterns[row % 4].map { rng.nextUnitFloat() < noise ? 1 - $0 : $0 }
            return (bits + [row % 4]).map(String.init).joined(separator: ",")
        }.joined(separator: "\n") + "\n"
    }

    @Test func theFeatureFlipAttackFindsMembersOfBinaryDataBeyondCorrectness() throws {
        let dir = try TemporaryDirectory()
        let sweep = try SweepIdentityTests.csvStudy(
            in: dir,
            sweep: """
                \(SweepFixture.csvBesideData.replacingOccurrences(of: "class_count: 3", with: "class_count: 4"))
                model: {kind: mlp, hidden: [128]}
                training: {batch_size: 16, learning_rate: 0.1, max_epochs: 200, until_train_accuracy: 1.0}
                estimator: {subsets: 8, ratio: 0.5}
                outputs: [correctness, loss, label_only]
                """,
            train: Self.binaryRows(count: 400, stream: 1), test: Self.binaryRows(count: 100, stream: 2))
        let document = try Self.runThenAttack(
            sweep, db: dir.path("sweeps/held.sqlite"), in: dir, ["--attacks", "correctness,feature_flip,augmentation"])
        let attacks = try #require(document["attacks"] as? [[String: Any]])
        let auc = Dictionary(uniqueKeysWithValues: attacks.compactMap { a in (a["name"] as? String).map { ($0, a["auc"] as? Double ?? .nan) } })
        print("binary data: correctness AUC \(auc["correctness"] ?? .nan), feature_flip AUC \(auc["feature_flip"] ?? .nan)")
        // The label-only attacker sees only labels, yet learns more than the correctness attack does.
        #expect((auc["feature_flip"] ?? 0) > 0.56 && (auc["feature_flip"] ?? 0) > (auc["correctness"] ?? 1), "\(auc)")
        let skipped = try #require(document["skipped"] as? [[String: String]])
        #expect(skipped.map { $0["name"] } == ["augmentation"] && skipped[0]["needs"]?.hasPrefix("an image dataset") == true)

        // Features that are not 0 or 1 cannot be flipped: refused when the sweep is registered, by place.
        let blobs = try TemporaryDirectory()
        let refused = try SweepIdentityTests.csvStudy(in: blobs, sweep: SweepIdentityTests.csvSweep() + "\noutputs: [correctness, label_only]\n")
        let refusal = try MnemoProcess.run(["run", refused, "--no-progress"], in: blobs, label: "refused")
        #expect(refusal.status != 0 && refusal.stderr.contains("held.yaml:") && refusal.stderr.contains("outputs:"), "\(refusal.stderr)")
        #expect(refusal.stderr.contains("have a feature of") && refusal.stderr.contains("all 0 or 1"), "\(refusal.stderr)")
        // Every split is checked: binary training examples with one test value of 0.5 are refused too.
        let halves = try TemporaryDirectory()
        let binaryTest = Self.binaryRows(count: 100, stream: 2)
        let oneHalf = try SweepIdentityTests.csvStudy(
            in: halves,
            sweep: SweepFixture.csvBesideData.replacingOccurrences(of: "class_count: 3", with: "class_count: 4")
                + "\nmodel: {kind: softmax}\ntraining: {learning_rate: 0.1, max_epochs: 1}\nestimator: {subsets: 2}\noutputs: [correctness, label_only]\n",
            train: Self.binaryRows(count: 400, stream: 1), test: "0.5" + binaryTest.dropFirst())
        let halfRefusal = try MnemoProcess.run(["run", oneHalf, "--no-progress"], in: halves, label: "half")
        #expect(halfRefusal.status != 0 && halfRefusal.stderr.contains("test examples have a feature of 0.5"), "\(halfRefusal.stderr)")
    }

    @Test func theAugmentationAttackReadsTheShareOfAugmentedCopiesOfFashionMNISTImages() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(
            """
            name: images
            seed: 3
            dataset: {name: fashion-mnist, train_limit: 300, test_limit: 60}
            model: {kind: mlp, hidden: [32]}
            training: {batch_size: 32, learning_rate: 0.1, max_epochs: 10}
            estimator: {subsets: 4, ratio: 0.5}
            outputs: [correctness, label_only]
            """, to: "images.yaml")
        let db = dir.path("images.sqlite")
        let document = try Self.runThenAttack(sweep, db: db, in: dir)
        let names = (document["attacks"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["correctness", "augmentation"], "\(document)")
        let skipped = (document["skipped"] as? [[String: String]]) ?? []
        #expect(skipped.first { $0["name"] == "feature_flip" }?["needs"]?.hasPrefix("binary features") == true)
        guard NumPy.isAvailable else { return }
        let export = try MnemoProcess.run(["export", db, "--out", dir.path("out")], in: dir, label: "export")
        #expect(export.status == 0, "\(export.stderr)")
        // Shares of 162 copies, each in [0, 1]; right examples are mostly robust to some copies, so the
        // share is higher on average for examples the run classified right.
        let check = try NumPy.run(
            """
            import numpy as np, sys
            runs = np.load(sys.argv[1] + '/runs.npz')
            s = runs['trainset_label_only'].astype(np.float64); c = runs['trainset_correctness'].astype(bool)
            assert s.shape == c.shape == (4, 300), s.shape
            assert ((s >= 0) & (s <= 1)).all() and np.abs(s * 162 - np.round(s * 162)).max() < 1e-4
            assert s[c].mean() > s[~c].mean() + 0.05, (s[c].mean(), s[~c].mean())
            print('label_only ok', s[c].mean(), s[~c].mean())
            """, arguments: [dir.path("out")])
        #expect(check.contains("label_only ok"), "\(check)")
    }

    /// LiRA online and offline recomputed from `runs.npz` and `fz_estimates.npz` (argv 1) and compared
    /// with the `attack_*.npz` archives (argv 2).
    static let liraCheck = """
        import numpy as np, sys
        runs = np.load(sys.argv[1] + '/runs.npz'); est = np.load(sys.argv[1] + '/fz_estimates.npz')
        M = runs['trainset_mask']; Z = runs['trainset_logits'].astype(np.float64); y = est['tr_labels']
        n = M.shape[1]; C = Z.shape[2]
        zy = Z[:, np.arange(n), y]
        others = np.where(np.arange(C)[None, None, :] == y[None, :, None], -np.inf, Z)
        m = others.max(2, keepdims=True)
        phi = zy - (m[..., 0] + np.log(np.exp(others - m).sum(2)))
        tgt, ref, Mr = phi[0], phi[1:], M[1:]
        def side(mask):
            cnt = mask.sum(0); s = np.where(mask, ref, 0).sum(0)
            mean = np.where(cnt > 0, s / np.maximum(cnt, 1), np.nan)
            sq = np.where(mask, (ref - np.nan_to_num(mean)) ** 2, 0).sum(0)
            pooled_mean = np.where(mask, ref, 0).sum() / cnt.sum()
            return np.where(cnt > 0, mean, pooled_mean), sq.sum() / (cnt.sum() - (cnt > 0).sum())
        mi, vi = side(Mr); mo, vo = side(~Mr)
        def logpdf(x, m, v): return -0.5 * (x - m) ** 2 / v - 0.5 * np.log(2 * np.pi * v)
        scores = {'lira_online': logpdf(tgt, mi, vi) - logpdf(tgt, mo, vo), 'lira_offline': (tgt - mo) / np.sqrt(vo)}
        def auc(s, lab):
            p, q = s[lab], s[~lab]
            return ((p[:, None] > q[None, :]).sum() + 0.5 * (p[:, None] == q[None, :]).sum()) / (len(p) * len(q))
        for name, s in scores.items():
            a = np.load(sys.argv[2] + f'/attack_{name}.npz')
            idx, lab, got = a['index'], a['membership'], a['scores']
            assert (lab == M[0][idx]).all(), 'membership differs from the target mask'
            shift = got - s[idx]
            assert shift.std() < 1e-6, (name, shift.std())
            area = np.sum(np.diff(a['fpr']) * (a['tpr'][1:] + a['tpr'][:-1]) / 2)
            assert abs(area - auc(s[idx], lab)) < 1e-9, (name, area, auc(s[idx], lab))
            print(name, 'ok', float(shift.std()), area)
        """
}
