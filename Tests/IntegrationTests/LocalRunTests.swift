import Foundation
import MnemoStore
import MnemoTestSupport
import Testing

/// `mnemo run` end to end: real binary, real worker processes, real ZeroMQ sockets, a real SQLite file.
@Suite(.serialized, .enabled(if: FileManager.default.fileExists(atPath: SweepFixture.fashionMNISTDirectory)))
struct LocalRunTests {
    @Test func runsASweepToTheEndAndExportsNumPyReadableFiles() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(SweepFixture.tiny(subsets: 12), to: "tiny.yaml")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2"], in: dir, label: "run")
        #expect(run.status == 0, "mnemo run failed: \(run.stderr)")
        #expect(run.stdout.contains("train-subset accuracy"))
        #expect(run.stdout.contains("mislabeled detection: ROC AUC"))

        // The database defaults to a file beside the sweep, named after it.
        let store = try Store.openReadOnly(path: dir.path("tiny.sqlite"))
        let progress = try store.progress(sweepID: "tiny")
        #expect(progress.map(\.done) == [12])
        #expect(try store.resultCount(sweepID: "tiny") == 12)

        let status = try MnemoProcess.run(["status", dir.path("tiny.sqlite")], in: dir, label: "status")
        #expect(status.status == 0)
        #expect(status.stdout.contains("12/12 tasks done"))

        let scores = try MnemoProcess.run(["scores", dir.path("tiny.sqlite"), "--top", "5"], in: dir, label: "scores")
        #expect(scores.status == 0)
        #expect(scores.stdout.contains("most memorized training examples"))

        let export = try MnemoProcess.run(["export", dir.path("tiny.sqlite"), "--out", dir.path("out")], in: dir, label: "export")
        #expect(export.status == 0, "\(export.stderr)")
        for file in ["memorization.csv", "influence_top.csv", "entropy.csv", "summary.json", "fz_estimates.npz", "runs.npz"] {
            #expect(FileManager.default.fileExists(atPath: dir.path("out/\(file)")), "missing \(file)")
        }
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path("out/summary.json")))) as? [String: Any]
        #expect(summary?["tasks_total"] as? Int == 12)
        #expect(summary?["tasks_done"] as? Int == 12)
        #expect(summary?["mislabeled_auc"] is Double)
        #expect(summary?["train_subset_accuracy"] is Double)
        #expect(summary?["test_accuracy"] is Double)
    }

    @Test(.enabled(if: NumPy.isAvailable))
    func exportedInfluenceMatchesNumPyRecomputedFromTheRunArchive() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(SweepFixture.tiny(subsets: 10), to: "tiny.yaml")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2", "--quiet"], in: dir, label: "run")
        #expect(run.status == 0, "\(run.stderr)")
        let export = try MnemoProcess.run(["export", dir.path("tiny.sqlite"), "--out", dir.path("out")], in: dir, label: "export")
        #expect(export.status == 0, "\(export.stderr)")
        // Recompute mem and every same-class influence block from the per-run archive with NumPy and
        // compare with Mnemo's GEMM-aggregated export.
        let output = try NumPy.run(
            """
            import numpy as np
            runs = np.load('\(dir.path("out/runs.npz"))'); est = np.load('\(dir.path("out/fz_estimates.npz"))')
            M = runs['trainset_mask'].astype(float); C = runs['trainset_correctness'].astype(float)
            T = runs['testset_correctness'].astype(float)
            assert M.shape == C.shape and M.shape[0] == 10 and T.shape == (10, 200), (M.shape, T.shape)
            nin = M.sum(0); nout = M.shape[0] - nin
            with np.errstate(invalid='ignore', divide='ignore'):
                mem = (M * C).sum(0) / nin - ((1 - M) * C).sum(0) / nout
            ok = np.isnan(mem) == np.isnan(est['tr_mem'])
            assert ok.all(), 'NaN pattern differs'
            assert np.allclose(mem[~np.isnan(mem)], est['tr_mem'][~np.isnan(mem)], atol=1e-6)
            worst = 0.0
            for c in range(10):
                tr = est[f'tr_classidx_{c}']; tt = est[f'tt_classidx_{c}']
                Mi = M[:, tr]; Tj = T[:, tt]
                with np.errstate(invalid='ignore', divide='ignore'):
                    infl = (Mi.T @ Tj) / nin[tr][:, None] - ((1 - Mi).T @ Tj) / nout[tr][:, None]
                got = est[f'infl_matrix_class{c}']
                assert got.shape == infl.shape, (got.shape, infl.shape)
                finite = ~np.isnan(infl)
                assert (np.isnan(got) == ~finite).all()
                worst = max(worst, float(np.abs(got[finite] - infl[finite]).max(initial=0)))
            assert worst < 1e-6, worst
            print('ok', worst)
            """)
        #expect(output.hasPrefix("ok"))
    }

    @Test func trainCalibratesOneModelOnTheWholeTrainingSet() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(SweepFixture.tiny(trainLimit: 300, maxEpochs: 40), to: "tiny.yaml")
        let run = try MnemoProcess.run(["train", sweep], in: dir, label: "train")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("examples/s · peak memory"))
        // A 784-32-10 MLP fits 300 examples to the 0.99 target within 40 epochs.
        #expect(run.stdout.contains("(reached the target 0.99)"), "\(run.stdout)")
        // One progress line per epoch logged on standard error, numbered from 1, as many as the epochs reported.
        let lines = run.stderr.split(separator: "\n").compactMap { line in line.range(of: "] epoch ").map { line[$0.upperBound...] } }
            .map { "epoch " + $0 }
        #expect(lines.first?.hasPrefix("epoch 1/40 · lr ") == true, "\(run.stderr)")
        #expect(lines.allSatisfy { $0.contains("examples/s") && $0.contains("left") })
        #expect(run.stdout.contains("  \(lines.count) epochs in "), "\(run.stdout)")
        let missing = try MnemoProcess.run(["train", sweep, "--trial", "2"], in: dir, label: "missing")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("there is no trial 2"))
    }

    @Test func anInvalidSweepFileStartsNothingAndSaysWhere() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(
            SweepFixture.tiny().replacingOccurrences(of: "ratio: 0.7", with: "ratio: lots"), to: "broken.yaml")
        let run = try MnemoProcess.run(["run", sweep], in: dir, label: "run")
        #expect(run.status != 0)
        #expect(run.stderr.contains("broken.yaml:18:10: estimator.ratio: expected a fraction in [0.01, 0.99], found \"lots\""))
        #expect(!FileManager.default.fileExists(atPath: dir.path("broken.sqlite")))
    }
}
