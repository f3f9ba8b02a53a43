import Foundation
import MnemoReport
import MnemoStore
import MnemoTestSupport
import Testing

/// NumPy recomputes, from the exported per-run archives alone, everything `export` and
/// `compare --paired` report: mem, influence (the class blocks and the full matrix) and their SEs, both entropies and both bucket schemes, and
/// the paired differences between two trials; they agree to 1e-6, with NaN exactly where an estimate
/// is undefined.
@Suite(.serialized, .enabled(if: NumPy.isAvailable))
struct ScoresCrossCheckTests {
    /// Two trials of twelve runs: at ratio 0.7 a few examples are never left out (NaN mem: 5 with this
    /// seed), and enough runs for q-values that differ between pairs.
    static let sweep = """
        name: cross
        seed: 21
        dataset:
          name: synthetic
          label_noise: 0.1
          synthetic: {class_count: 4, dimension: 16, common_modes_per_class: 2, common_mode_size: 30, rare_modes_per_class: 2, rare_mode_size: 2, common_test_size: 10, spread: 0.5}
        model: {kind: mlp, hidden: [32]}
        training: {batch_size: 16, learning_rate: 0.1, max_epochs: 40, until_train_accuracy: 0.99}
        grid: {learning_rate: [0.1, 0.02]}
        estimator: {subsets: 12}
        """

    static let script = #"""
        import sys, json, csv, numpy as np
        out, paired_dir = sys.argv[1], sys.argv[2]
        np.seterr(all="ignore")

        def runs(trial):
            r = np.load(f"{out}/trial-{trial}/runs.npz")
            order = np.argsort(r["subset_idx"])
            return (r["subset_idx"][order], r["trainset_mask"][order].astype(float),
                    r["trainset_correctness"][order].astype(float), r["testset_correctness"][order].astype(float))

        def table(path):
            with open(path) as f:
                return list(csv.DictReader(f))

        def column(rows, key):
            return np.array([float(row[key]) for row in rows])

        def same(name, ours, theirs, tol=1e-6, rel=0.0):
            ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
            assert ours.shape == theirs.shape, f"{name}: shapes {ours.shape} and {theirs.shape}"
            nan = np.isnan(ours)
            assert (nan == np.isnan(theirs)).all(), f"{name}: NaN at {np.where(nan != np.isnan(theirs))[0][:10]}"
            excess = np.abs(ours[~nan] - theirs[~nan]) - (tol + rel * np.abs(theirs[~nan]))
            assert excess.max(initial=-1) <= 0, f"{name}: off by {np.abs(ours[~nan] - theirs[~nan]).max()}"

        def smoothed_se(k_in, n_in, k_out, n_out):
            p_in, p_out = (k_in + 1) / (n_in + 2), (k_out + 1) / (n_out + 2)
            return np.sqrt(p_in * (1 - p_in) / n_in + p_out * (1 - p_out) / n_out)

        def entropy(S):
            S = np.where(np.isnan(S), 0, np.abs(S))
            total = S.sum(0)
            values = np.full(S.shape[1], np.log(max(S.shape[0], 1)))
            for j in np.where(total > 0)[0]:
                p = S[:, j][S[:, j] > 0] / total[j]
                values[j] = -(p * np.log(p)).sum()
            return values, total == 0

        s0, m, mc, c = runs(0)
        fz = np.load(f"{out}/trial-0/fz_estimates.npz")
        R, n, t = m.shape[0], m.shape[1], c.shape[1]
        n_in = m.sum(0); n_out = R - n_in
        undefined = (n_in == 0) | (n_out == 0)
        assert undefined.sum() > 0, "the sweep should leave some examples never left out"
        k_in = (m * mc).sum(0); k_out = ((1 - m) * mc).sum(0)
        mem = np.where(undefined, np.nan, k_in / n_in - k_out / n_out)
        mem_se = np.where(undefined, np.nan, smoothed_se(k_in, n_in, k_out, n_out))
        same("mem (npz)", fz["tr_mem"], mem)
        same("mem SE (npz)", fz["tr_mem_se"], mem_se)
        memorization = table(f"{out}/trial-0/memorization.csv")
        same("mem (csv)", column(memorization, "mem"), mem)
        same("mem SE (csv)", column(memorization, "mem_se"), mem_se)

        in_sum = m.T @ c
        out_sum = c.sum(0)[None, :] - in_sum
        infl = in_sum / n_in[:, None] - out_sum / n_out[:, None]
        infl_se = smoothed_se(in_sum, n_in[:, None], out_sum, n_out[:, None])
        infl[undefined, :] = np.nan; infl_se[undefined, :] = np.nan
        full = np.load(f"{out}/trial-0/influence_full.npy")
        assert full.dtype == np.float32 and full.shape == (n, t)
        same("full influence matrix", full, infl)
        labels_tr, labels_tt = fz["tr_labels"], fz["tt_labels"]
        raw, raw_zero = np.zeros(t), np.zeros(t, bool)
        thr, thr_zero = np.zeros(t), np.zeros(t, bool)
        maxima = np.zeros(t)
        for cls in range(int(max(labels_tr.max(), labels_tt.max())) + 1):
            tr, tt = fz[f"tr_classidx_{cls}"], fz[f"tt_classidx_{cls}"]
            assert (tr == np.where(labels_tr == cls)[0]).all() and (tt == np.where(labels_tt == cls)[0]).all()
            block, block_se = infl[np.ix_(tr, tt)], infl_se[np.ix_(tr, tt)]
            same(f"influence of class {cls}", fz[f"infl_matrix_class{cls}"], block)
            raw[tt], raw_zero[tt] = entropy(block)
            thr[tt], thr_zero[tt] = entropy(np.where(np.abs(block) < 2 * block_se, 0, block))
            maxima[tt] = np.log(max(len(tr), 1))

        # Benjamini–Hochberg q-values over every same-class pair with an estimate.
        import math
        same_class = labels_tr[:, None] == labels_tt[None, :]
        defined = same_class & ~np.isnan(infl)
        p = 0.5 * np.vectorize(math.erfc)(infl[defined] / infl_se[defined] / math.sqrt(2))
        order = np.argsort(p, kind="stable"); m_pairs = len(p)
        q_sorted = np.minimum.accumulate((p[order] * m_pairs / np.arange(1, m_pairs + 1))[::-1])[::-1]
        q_all = np.full(infl.shape, np.nan); q_flat = np.empty(m_pairs); q_flat[order] = np.minimum(q_sorted, 1)
        q_all[defined] = q_flat
        top_pairs = table(f"{out}/trial-0/influence_top.csv")
        rows_i, rows_j = column(top_pairs, "train_index").astype(int), column(top_pairs, "test_index").astype(int)
        assert len(top_pairs) > 0
        same("top pair influence", column(top_pairs, "influence"), infl[rows_i, rows_j])
        same("top pair q", column(top_pairs, "q_value"), q_all[rows_i, rows_j], tol=0, rel=1e-6)
        ranked = np.where(same_class, np.nan_to_num(infl, nan=-np.inf), -np.inf)
        influencers = table(f"{out}/trial-0/influencers.csv")
        firsts = [row for row in influencers if row["rank"] == "1"]
        for row in firsts:
            j, i = int(row["test_index"]), int(row["train_index"])
            best = ranked[:, j].max()
            assert infl[i, j] == best or abs(infl[i, j] - best) < 1e-12, f"test {j}: top influencer {i}"
            same(f"influencer q of test {j}", [float(row["q_value"])], [q_all[i, j]], tol=0, rel=1e-6)

        raw_buckets = np.zeros(t, int)
        rest = [j for j in range(t) if not raw_zero[j] and not raw[j] > maxima[j] - 0.1]
        raw_buckets[raw_zero] = 5
        raw_buckets[(~raw_zero) & (raw > maxima - 0.1)] = 4
        mu, sigma = raw[rest].mean(), raw[rest].std()
        for j in rest:
            raw_buckets[j] = 1 if raw[j] < mu - 0.5 * sigma else 3 if raw[j] > mu + 0.5 * sigma else 2
        thr_buckets = np.full(t, 5)
        cuts = np.quantile(thr[~thr_zero], [0.25, 0.5, 0.75])
        for j in np.where(~thr_zero)[0]:
            thr_buckets[j] = 1 + int((thr[j] > cuts).sum())
        entropies = table(f"{out}/trial-0/entropy.csv")
        same("raw entropy", column(entropies, "entropy"), raw)
        same("thresholded entropy", column(entropies, "thresholded_entropy"), thr)
        assert (column(entropies, "bucket") == raw_buckets).all(), "raw buckets differ"
        assert (column(entropies, "thresholded_bucket") == thr_buckets).all(), "thresholded buckets differ"
        assert len(set(thr_buckets)) >= 3, f"too few thresholded buckets to test: {sorted(set(thr_buckets))}"

        # Convergence: the first k runs in subset order, at the checkpoints the export lists.
        previous = None
        for row in table(f"{out}/trial-0/convergence.csv"):
            k = int(row["runs"])
            kin = (m[:k] * mc[:k]).sum(0); nin = m[:k].sum(0); kout = ((1 - m[:k]) * mc[:k]).sum(0); nout = k - nin
            known = (nin > 0) & (nout > 0)
            se = np.where(known, smoothed_se(kin, nin, kout, nout), np.nan)
            value = np.where(known, kin / nin - kout / nout, np.nan)
            same(f"convergence mean SE at {k}", [float(row["mean_mem_se"])], [np.nanmean(se)])
            assert int(row["undefined"]) == int((~known).sum()), f"convergence undefined at {k}"
            significant = value > 2 * se
            assert int(row["significant"]) == int(significant.sum()), f"convergence significant at {k}"
            assert int(row["changed"]) == (0 if previous is None else int((previous != significant).sum())), f"changed at {k}"
            previous = significant
        assert int(row["runs"]) == R

        # Paired differences, trial 1 − trial 0, over the shared runs.
        s1, m1, mc1, c1 = runs(1)
        shared = np.intersect1d(s0, s1)
        a, b = np.searchsorted(s0, shared), np.searchsorted(s1, shared)
        assert (m1[b] == m[a]).all(), "the trials' masks differ"
        masks, A, B = m[a], mc[a], mc1[b]
        rows = []
        for i in range(n):
            inside, outside = masks[:, i] == 1, masks[:, i] == 0
            if not inside.any() or not outside.any():
                rows.append([np.nan] * 4); continue
            d = B[:, i] - A[:, i]
            mem_a = A[inside, i].mean() - A[outside, i].mean()
            mem_b = B[inside, i].mean() - B[outside, i].mean()
            se = np.sqrt(d[inside].var(ddof=1) / inside.sum() + d[outside].var(ddof=1) / outside.sum())
            rows.append([mem_a, mem_b, mem_b - mem_a, se])
        rows = np.array(rows)
        paired_train = table(f"{paired_dir}/paired_train.csv")
        for k, key in enumerate(["mem_a", "mem_b", "difference", "se"]):
            same(f"paired train {key}", column(paired_train, key), rows[:, k])
        D = c1[b] - c[a]
        paired_test = table(f"{paired_dir}/paired_test.csv")
        same("paired test accuracy_a", column(paired_test, "accuracy_a"), c[a].mean(0))
        same("paired test accuracy_b", column(paired_test, "accuracy_b"), c1[b].mean(0))
        same("paired test difference", column(paired_test, "difference"), D.mean(0))
        same("paired test se", column(paired_test, "se"), D.std(0, ddof=1) / np.sqrt(len(shared)))
        assert (column(paired_test, "raw_bucket") == raw_buckets).all()
        assert (column(paired_test, "thresholded_bucket") == thr_buckets).all()

        report = json.load(open(f"{paired_dir}/paired.json"))
        assert report["shared_runs"] == len(shared) and report["reference_trial"] == 0
        def check(name, entry, members):
            per_run = D[:, members].mean(1) if len(members) else np.full(len(shared), np.nan)
            assert entry["examples"] == len(members), name
            if not len(members):
                assert entry["difference"]["mean"] is None, name; return
            same(f"{name} A", [entry["a"]["mean"]], [c[a][:, members].mean()])
            same(f"{name} B", [entry["b"]["mean"]], [c1[b][:, members].mean()])
            same(f"{name} B − A", [entry["difference"]["mean"]], [per_run.mean()])
            same(f"{name} SE", [entry["difference"]["se"]], [per_run.std(ddof=1) / np.sqrt(len(shared))])
        check("test accuracy", report["test_accuracy"], np.arange(t))
        for scheme, buckets in [("raw", raw_buckets), ("thresholded", thr_buckets)]:
            for entry in report["buckets"][scheme]:
                check(f"{scheme} bucket {entry['bucket']}", entry, np.where(buckets == entry["bucket"])[0])
        print("agree")
        """#

    @Test func numPyRecomputesScoresBucketsAndPairedDifferencesFromTheExports() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep, to: "cross.yaml")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2", "--quiet"], in: dir, label: "run")
        try #require(run.status == 0, "\(run.stderr)")
        let db = dir.path("cross.sqlite")
        let export = try MnemoProcess.run(
            ["export", db, "--out", dir.path("out"), "--all-trials", "--full-influence"], in: dir, label: "export")
        try #require(export.status == 0, "\(export.stderr)")
        let paired = try MnemoProcess.run(
            ["compare", db, "--paired", "0", "1", "--json", "--out", dir.path("paired")], in: dir, label: "paired")
        try #require(paired.status == 0, "\(paired.stderr)")
        try dir.write(paired.stdout, to: "paired/paired.json")
        #expect(try NumPy.run(Self.script, arguments: [dir.path("out"), dir.path("paired")]) == "agree\n")
        // Small blocks and chunks write the same bytes as the command's.
        let blocked = URL(fileURLWithPath: dir.path("blocked.npy"))
        try FullInfluenceExport.write(
            store: try Store.openReadOnly(path: db), sweepName: nil, trialIndex: 0, to: blocked, rowsPerBlock: 37, runsPerChunk: 5)
        #expect(try Data(contentsOf: blocked) == Data(contentsOf: URL(fileURLWithPath: dir.path("out/trial-0/influence_full.npy"))))
    }
}
