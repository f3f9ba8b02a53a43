import Foundation
import MnemoStore
import MnemoTestSupport
import Testing

/// Sweeps trained by the user's own command (`trainer: {kind: command}`), run through the real `mnemo`
/// binary with real worker processes: the shipped NumPy trainer end to end, and each way a command can
/// fail.
@Suite(.serialized)
struct ExternalTrainerTests {
    /// The repository's `sweeps/external/train_numpy.py`.
    static let numpyTrainer = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../sweeps/external/train_numpy.py").standardizedFileURL

    static let dataset = """
        dataset:
          name: synthetic
          label_noise: 0.1
          synthetic: {class_count: 4, dimension: 16, common_modes_per_class: 2, common_mode_size: 30, rare_modes_per_class: 0, common_test_size: 10, spread: 0.5}
        """

    /// A folder with the NumPy trainer and a wrapper that records each run's mask before training.
    private func folderWithTrainer() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try FileManager.default.copyItem(at: Self.numpyTrainer, to: dir.url.appendingPathComponent("train_numpy.py"))
        try FileManager.default.createDirectory(atPath: dir.path("received"), withIntermediateDirectories: true)
        try dir.write(
            """
            import glob, os, shutil, subprocess, sys
            mask, subset, out = sys.argv[1], sys.argv[2], sys.argv[sys.argv.index("--out") + 1]
            shutil.copy(mask, f"received/mask-{subset}.npy")
            status = subprocess.call([sys.executable, "train_numpy.py"] + sys.argv[3:])
            for name in glob.glob(out + "/*.npy"):
                shutil.copy(name, f"received/{subset}-" + os.path.basename(name))
            sys.exit(status)
            """, to: "record.py")
        return dir
    }

    private func environment(_ dir: TemporaryDirectory) -> [String: String] {
        ["XDG_CACHE_HOME": dir.path("cache")]
    }

    @Test(.enabled(if: NumPy.isAvailable)) func theNumPyTrainerRunsEndToEndWithMnemosMasks() throws {
        let dir = try folderWithTrainer()
        let sweep = try dir.write(
            """
            name: external
            seed: 11
            \(Self.dataset)
            trainer:
              kind: command
              command: python3 record.py {mask} {subset} --data {data} --mask {mask} --params {params} --out {out} --seed {seed}
              timeout: 2m
            params: {features: 256, epochs: 150, learning_rate: 0.5}
            outputs: [correctness, margin, loss, probability]
            estimator: {subsets: 12, ratio: 0.7}
            """, to: "external.yaml")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2", "--no-progress"], in: dir, label: "run", environment: environment(dir))
        #expect(run.status == 0, "mnemo run failed: \(run.stderr)")
        let export = try MnemoProcess.run(["export", dir.path("external.sqlite"), "--out", dir.path("out")], in: dir, label: "export")
        #expect(export.status == 0, "\(export.stderr)")
        // The masks the command received are Mnemo's; memorization recomputed from runs.npz is the export's.
        let check = try NumPy.run(
            """
            import glob, json, sys, numpy as np
            folder = sys.argv[1]
            runs = np.load(folder + "/out/runs.npz")
            masks, subsets = runs["trainset_mask"], runs["subset_idx"]
            received = sorted(glob.glob(folder + "/received/mask-*.npy"))
            assert len(received) == 12, len(received)
            for row, subset in enumerate(subsets):
                got = np.load(f"{folder}/received/mask-{subset}.npy")
                assert got.dtype == np.bool_ and (got == masks[row]).all(), f"subset {subset}: mask differs"
                # Float outputs round-trip bit for bit, correctness as written.
                for name in ("margin", "loss", "probability"):
                    for split, prefix in (("train", "trainset"), ("test", "testset")):
                        written = np.load(f"{folder}/received/{subset}-{name}_{split}.npy")
                        stored = runs[f"{prefix}_{name}"][row]
                        assert stored.dtype == np.float32 and written.tobytes() == stored.tobytes(), (subset, name, split)
                written = np.load(f"{folder}/received/{subset}-correctness_train.npy")
                assert (written == runs["trainset_correctness"][row]).all()
            correct = runs["trainset_correctness"].astype(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                expected = (correct * masks).sum(0) / masks.sum(0) - (correct * ~masks).sum(0) / (~masks).sum(0)
            mem = np.load(folder + "/out/fz_estimates.npz")["tr_mem"]
            # An example in every subset (or in none) has no estimate: NaN in both.
            assert (np.isnan(mem) == np.isnan(expected)).all()
            known = ~np.isnan(expected)
            assert known.sum() > 200 and np.abs(mem[known] - expected[known]).max() < 1e-5
            print(json.load(open(folder + "/out/summary.json"))["mislabeled_auc"])
            """, arguments: [dir.url.path])
        let auc = try #require(Double(check.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(auc >= 0.9, "mislabeled AUC \(auc)")
        // Finished runs leave no folder behind; the data file is cached once.
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: dir.path("cache/mnemo/tasks"))) ?? []
        #expect(tasks.isEmpty, "\(tasks)")
        let data = try FileManager.default.contentsOfDirectory(atPath: dir.path("cache/mnemo/data"))
        #expect(data.filter { $0.hasSuffix(".npz") }.count == 1, "\(data)")
    }

    /// A sweep whose command is `python3 fail.py {out} …` with `script` as fail.py.
    private func failingSweep(_ script: String, in dir: TemporaryDirectory, trainer extra: String = "") throws -> String {
        try dir.write(script, to: "fail.py")
        return try dir.write(
            """
            name: failing
            seed: 3
            \(Self.dataset)
            trainer:
              kind: command
              command: python3 fail.py {out} {data}
            \(extra)
            estimator: {subsets: 2, ratio: 0.5}
            """, to: "failing.yaml")
    }

    /// Writes correctness files of the dataset's sizes, then `body` may spoil them.
    static func outputScript(_ body: String) -> String {
        """
        import sys, numpy as np
        out, data = sys.argv[1], np.load(sys.argv[2])
        train = np.ones(len(data["train_labels"]), dtype=bool)
        test = np.ones(len(data["test_labels"]), dtype=bool)
        \(body)
        np.save(out + "/correctness_train.npy", train)
        np.save(out + "/correctness_test.npy", test)
        """
    }

    @Test(.enabled(if: NumPy.isAvailable), arguments: [
        ("train = train[:-1]", "correctness_train.npy has shape [239], expected [240]"),
        ("test = test.astype(np.float32); test[3] = np.nan", "correctness_test.npy[3] is nan"),
        ("train = train.astype(np.int64); train[7] = 2", "correctness_train.npy[7] is 2.0; correctness must be 0 or 1"),
        ("test = test.astype('<U1')", "unsupported element type '<U1'"),
    ])
    func aBadOutputFileFailsTheRunNamingTheFileAndIndex(spoil: String, message: String) throws {
        let dir = try TemporaryDirectory()
        let sweep = try failingSweep(Self.outputScript(spoil), in: dir)
        let run = try MnemoProcess.run(["run", sweep, "--workers", "1", "--no-progress"], in: dir, label: "run", environment: environment(dir))
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains(message), "\(run.stderr)")
        // Deterministic: one attempt per task, no retry.
        let status = try MnemoProcess.run(["status", dir.path("failing.sqlite"), "--failures"], in: dir, label: "status")
        #expect(status.stdout.contains("bad output"), "\(status.stdout)")
    }

    @Test(.enabled(if: NumPy.isAvailable && FileManager.default.fileExists(atPath: SweepFixture.fashionMNISTDirectory)))
    func labelOnlyValuesOutsideZeroToOneFailTheRun() throws {
        let dir = try TemporaryDirectory()
        try dir.write(
            Self.outputScript(
                """
                np.save(out + "/label_only_train.npy", np.full(len(train), 7.5, dtype=np.float32))
                np.save(out + "/label_only_test.npy", np.full(len(test), 0.5, dtype=np.float32))
                """), to: "fail.py")
        let sweep = try dir.write(
            """
            name: failing
            seed: 3
            dataset: {name: fashion-mnist, train_limit: 40, test_limit: 10}
            trainer:
              kind: command
              command: python3 fail.py {out} {data}
            outputs: [correctness, label_only]
            estimator: {subsets: 2, ratio: 0.5}
            """, to: "failing.yaml")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "1", "--no-progress"], in: dir, label: "run", environment: environment(dir))
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("label_only_train.npy[0] is 7.5; label_only values are shares in [0, 1]"), "\(run.stderr)")
    }

    @Test(.enabled(if: NumPy.isAvailable)) func aCommandPastItsTimeoutIsKilledWithItsGroup() throws {
        let dir = try TemporaryDirectory()
        let sweep = try failingSweep(
            """
            import subprocess, sys, time
            child = subprocess.Popen(["sleep", "300"])
            open("grandchild-" + str(child.pid), "w").close()
            time.sleep(300)
            """, in: dir, trainer: "  timeout: 4s")
        let started = Date()
        let run = try MnemoProcess.run(["run", sweep, "--workers", "1", "--no-progress"], in: dir, label: "run", environment: environment(dir))
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("timed out after 4.0s"), "\(run.stderr)")
        #expect(Date().timeIntervalSince(started) < 60)
        let pids = try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasPrefix("grandchild-") }
        #expect(pids.count == 2)
        for name in pids {
            #expect(!FileManager.default.fileExists(atPath: "/proc/\(name.dropFirst("grandchild-".count))/cmdline")
                || (try? String(contentsOfFile: "/proc/\(name.dropFirst("grandchild-".count))/cmdline", encoding: .utf8))?.contains("sleep") != true)
        }
    }

    @Test func aMissingScriptOrUnknownPlaceholderIsRefusedBeforeAnythingStarts() throws {
        let dir = try TemporaryDirectory()
        let missing = try dir.write(
            """
            name: missing
            seed: 3
            \(Self.dataset)
            trainer: {kind: command, command: "python3 nowhere/train.py --out {out}"}
            estimator: {subsets: 2}
            """, to: "missing.yaml")
        let run = try MnemoProcess.run(["run", missing, "--workers", "1"], in: dir, label: "missing")
        #expect(run.status != 0)
        #expect(run.stderr.contains("missing.yaml:7:"), "\(run.stderr)")
        #expect(run.stderr.contains("nowhere/train.py"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("missing.sqlite")))
        let unknown = try dir.write(
            """
            name: unknown
            seed: 3
            \(Self.dataset)
            trainer:
              kind: command
              command: python3 -c pass {outdir}
            estimator: {subsets: 2}
            """, to: "unknown.yaml")
        let second = try MnemoProcess.run(["run", unknown, "--workers", "1"], in: dir, label: "unknown")
        #expect(second.status != 0)
        #expect(second.stderr.contains("unknown.yaml:9:"), "\(second.stderr)")
        #expect(second.stderr.contains("unknown placeholder {outdir}"), "\(second.stderr)")
    }

    @Test(.enabled(if: NumPy.isAvailable)) func anEditedTrainingScriptIsRefusedAsAChangedTrainer() throws {
        let dir = try TemporaryDirectory()
        let sweep = try failingSweep(Self.outputScript(""), in: dir)
        let first = try MnemoProcess.run(["run", sweep, "--workers", "1", "--no-progress"], in: dir, label: "first", environment: environment(dir))
        #expect(first.status == 0, "\(first.stderr)")
        // Operational settings may change without retraining anything.
        _ = try failingSweep(Self.outputScript(""), in: dir, trainer: "  timeout: 1m\n  retries: 1")
        let retimed = try MnemoProcess.run(["run", sweep, "--workers", "1", "--no-progress"], in: dir, label: "retimed", environment: environment(dir))
        #expect(retimed.status == 0, "\(retimed.stderr)")
        #expect(retimed.stderr.contains("2 of 2 tasks already done"), "\(retimed.stderr)")
        try dir.write(Self.outputScript("test[0] = False"), to: "fail.py")
        let second = try MnemoProcess.run(["run", sweep, "--workers", "1", "--no-progress"], in: dir, label: "second", environment: environment(dir))
        #expect(second.status != 0)
        #expect(second.stderr.contains("trainer.files"), "\(second.stderr)")
        let renewed = try MnemoProcess.run(
            ["run", sweep, "--workers", "1", "--no-progress", "--new-sweep"], in: dir, label: "renewed", environment: environment(dir))
        #expect(renewed.status == 0, "\(renewed.stderr)")
    }

    @Test(.enabled(if: NumPy.isAvailable)) func exitSeventyFiveIsRetriedAndOtherExitsAreNot() throws {
        let dir = try TemporaryDirectory()
        // Exits 75 the first time each run is tried, then succeeds.
        let sweep = try failingSweep(
            Self.outputScript(
                """
                import os
                marker = "tried-" + os.path.basename(out.rstrip("/").rsplit("/", 1)[0].rsplit("-", 1)[0])
                if not os.path.exists(marker):
                    open(marker, "w").close()
                    sys.exit(75)
                """), in: dir)
        let run = try MnemoProcess.run(["run", sweep, "--workers", "1", "--no-progress"], in: dir, label: "run", environment: environment(dir))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("status 75"), "\(run.stderr)")
        let other = try TemporaryDirectory()
        let exits = try failingSweep("import sys; sys.exit(4)", in: other)
        let failed = try MnemoProcess.run(["run", exits, "--workers", "1", "--no-progress"], in: dir, label: "exit4", environment: environment(dir))
        #expect(failed.status == 3, "\(failed.stderr)")
        #expect(failed.stderr.contains("exited with status 4"), "\(failed.stderr)")
    }
}

/// Workers that die or stop while a command trains: nothing is left running, nothing is lost.
extension ExternalTrainerTests {
    /// A command that records its pid and a grandchild's under `pids/`, then sleeps `seconds` unless the
    /// file `fast` exists, then writes valid outputs. `ignoreTerm` makes it ignore SIGTERM.
    static func slowScript(seconds: Int, ignoreTerm: Bool = false) -> String {
        outputScript(
            """
            import os, signal, subprocess, time
            \(ignoreTerm ? "signal.signal(signal.SIGTERM, signal.SIG_IGN)" : "")
            child = subprocess.Popen(["sleep", "600"], start_new_session=False)
            os.makedirs("pids", exist_ok=True)
            open(f"pids/{os.getpid()}", "w").close()
            open(f"pids/{child.pid}", "w").close()
            if not os.path.exists("fast"):
                time.sleep(\(seconds))
            child.kill()
            """)
    }

    /// The pids the commands recorded.
    static func recordedPIDs(_ dir: TemporaryDirectory) -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path("pids"))) ?? []).compactMap { Int32($0) }
    }

    /// Whether process `pid` runs (a zombie, dead but not yet reaped, does not).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        return !stat.contains(") Z ")
    }

    @Test(.enabled(if: NumPy.isAvailable)) func aWorkerKilledMidCommandLeavesNoProcessAndTheTaskIsDoneOnceElsewhere() throws {
        let dir = try TemporaryDirectory()
        let sweep = try failingSweep(Self.slowScript(seconds: 600), in: dir)
        let db = dir.path("failing.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        let doomed = try MnemoProcess(
            ["worker", "--connect", endpoint, "--id", "doomed", "--prefetch", "0"], in: dir, label: "doomed",
            environment: environment(dir))
        #expect(eventually(timeout: 60) { Self.recordedPIDs(dir).count >= 2 }, "\(doomed.standardError)")
        let pids = Self.recordedPIDs(dir)
        #expect(pids.allSatisfy(Self.isAlive), "the command and its child run before the kill")
        doomed.kill(SIGKILL)
        #expect(eventually(timeout: 5) { !pids.contains(where: Self.isAlive) }, "left behind: \(pids.filter(Self.isAlive))")
        try dir.write("", to: "fast")
        let survivor = try MnemoProcess(
            ["worker", "--connect", endpoint, "--id", "survivor"], in: dir, label: "survivor", environment: environment(dir))
        #expect(coordinator.wait(timeout: 90) == 0, "\(coordinator.standardError)")
        #expect(survivor.wait(timeout: 30) == 0)
        let store = try Store.openReadOnly(path: db)
        #expect(try store.resultCount(sweepID: "failing") == 2)
        #expect(try store.tasks(sweepID: "failing").allSatisfy { $0.state == .done })
    }

    @Test(.enabled(if: NumPy.isAvailable), arguments: [false, true])
    func sigtermToAWorkerEndsItsCommandWithinTheGracePeriod(ignoreTerm: Bool) throws {
        let dir = try TemporaryDirectory()
        let sweep = try failingSweep(Self.slowScript(seconds: 600, ignoreTerm: ignoreTerm), in: dir)
        let db = dir.path("failing.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        let stopped = try MnemoProcess(
            ["worker", "--connect", endpoint, "--id", "stopped", "--prefetch", "0", "--grace", ignoreTerm ? "2" : "20"], in: dir,
            label: "stopped", environment: environment(dir))
        #expect(eventually(timeout: 60) { Self.recordedPIDs(dir).count >= 2 }, "\(stopped.standardError)")
        let pids = Self.recordedPIDs(dir)
        let signalled = Date()
        Foundation.kill(stopped.pid, SIGTERM)
        let status = stopped.wait(timeout: 30)
        let took = Date().timeIntervalSince(signalled)
        #expect(status == 0 && !stopped.wasSignalled, "\(stopped.standardError)")
        // A command that obeys SIGTERM ends at once (well before its 20 s of grace); one that ignores it is
        // killed when its 2 s of grace end.
        #expect(ignoreTerm ? (took >= 1.9 && took < 10) : took < 10, "took \(took)s")
        #expect(!pids.contains(where: Self.isAlive), "left behind: \(pids.filter(Self.isAlive))")
        try dir.write("", to: "fast")
        let finisher = try MnemoProcess(
            ["worker", "--connect", endpoint, "--id", "finisher"], in: dir, label: "finisher", environment: environment(dir))
        #expect(coordinator.wait(timeout: 90) == 0, "\(coordinator.standardError)")
        #expect(finisher.wait(timeout: 30) == 0)
        let tasks = try Store.openReadOnly(path: db).tasks(sweepID: "failing")
        // The lease was handed back, not lost: no crash counted, nothing failed.
        #expect(tasks.allSatisfy { $0.state == .done && $0.crashedWorkers.isEmpty && $0.failures == 0 }, "\(tasks)")
    }
}

/// The built-in engine fills every per-example output, consistent with its correctness bits.
@Suite(.serialized)
struct EngineOutputsTests {
    @Test func resultsOfManyMegabytesReachTheCoordinator() throws {
        // 14,000 + 2,000 examples of 10 classes with logits and probabilities: 1.3 MB per result, more
        // than a coordinator frame held before its limit was set at bind.
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(
            """
            name: large
            seed: 2
            dataset:
              name: synthetic
              synthetic: {class_count: 10, dimension: 4, common_modes_per_class: 2, common_mode_size: 700, rare_modes_per_class: 0, common_test_size: 100}
            model: {kind: softmax}
            training: {learning_rate: 0.1, max_epochs: 1}
            trainer: {kind: noop}
            outputs: [correctness, logits, probability]
            estimator: {subsets: 6, ratio: 0.5}
            """, to: "large.yaml")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2", "--no-progress"], in: dir, label: "run", timeout: 120)
        #expect(run.status == 0, "\(run.stderr)")
        let store = try Store.openReadOnly(path: dir.path("large.sqlite"))
        var sizes: [Int] = []
        try store.forEachResult(sweepID: "large", trialIndex: 0, arrays: true) { row in
            sizes.append(row.arrays.reduce(0) { $0 + $1.data.count })
        }
        #expect(sizes == Array(repeating: 4 * 10 * 16_000 * 2, count: 6))
    }

    @Test(.enabled(if: NumPy.isAvailable)) func everyOutputAgreesWithCorrectnessAndWithTheOthers() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(
            """
            name: outputs
            seed: 7
            \(ExternalTrainerTests.dataset)
            model: {kind: mlp, hidden: [32]}
            training: {batch_size: 32, learning_rate: 0.1, max_epochs: 20}
            outputs: [correctness, margin, loss, confidence, probability, logits]
            estimator: {subsets: 4, ratio: 0.5}
            """, to: "outputs.yaml")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2", "--no-progress"], in: dir, label: "run")
        #expect(run.status == 0, "mnemo run failed: \(run.stderr)")
        let export = try MnemoProcess.run(["export", dir.path("outputs.sqlite"), "--out", dir.path("out")], in: dir, label: "export")
        #expect(export.status == 0, "\(export.stderr)")
        let checked = try NumPy.run(
            """
            import sys, numpy as np
            runs, fz = np.load(sys.argv[1] + "/runs.npz"), np.load(sys.argv[1] + "/fz_estimates.npz")
            checked = 0
            for prefix, labels in (("trainset", fz["tr_labels"]), ("testset", fz["tt_labels"])):
                correct = runs[prefix + "_correctness"]
                margin, loss, confidence = runs[prefix + "_margin"], runs[prefix + "_loss"], runs[prefix + "_confidence"]
                probability, logits = runs[prefix + "_probability"], runs[prefix + "_logits"]
                runs_, n, classes = logits.shape
                assert margin.shape == (runs_, n) and probability.shape == (runs_, n, classes)
                rows = np.arange(n)
                for r in range(runs_):
                    z, y = logits[r].astype(np.float64), labels
                    # correctness is (margin > 0), or a tie the true class wins by argmax's first-index rule
                    assert (correct[r] == ((margin[r] > 0) | ((margin[r] == 0) & (z.argmax(1) == y)))).all()
                    assert (correct[r] == (z.argmax(1) == y)).all()
                    others = z.copy(); others[rows, y] = -np.inf
                    assert np.allclose(margin[r], z[rows, y] - others.max(1), atol=1e-5)
                    # confidence > 0.5 => margin > 0 => loss < ln(classes)
                    assert (margin[r][confidence[r] > 0.5] > 0).all()
                    assert (loss[r][margin[r] > 0] < np.log(classes)).all()
                    assert np.allclose(probability[r].sum(1), 1, atol=1e-5)
                    assert np.allclose(confidence[r], probability[r][rows, y], atol=1e-6)
                    assert np.allclose(loss[r], -np.log(np.maximum(probability[r][rows, y], 1e-30)), rtol=1e-4, atol=1e-4)
                    checked += n
            print(checked)
            """, arguments: [dir.path("out")])
        // 4 runs over 240 train and 80 test examples.
        #expect(checked.trimmingCharacters(in: .whitespacesAndNewlines) == "\(4 * (240 + 80))")
    }
}

extension ExternalTrainerTests {
    @Test(.enabled(if: NumPy.isAvailable)) func gpuTasksRunOnlyOnWorkersWithGPUsEachSlotOnItsOwn() throws {
        let dir = try TemporaryDirectory()
        let script = Self.outputScript(
            """
            import os, time
            os.makedirs("gpus", exist_ok=True)
            open("gpus/" + sys.argv[3] + "-" + os.environ.get("CUDA_VISIBLE_DEVICES", "none") + "-" + str(os.getpid()), "w").close()
            time.sleep(0.3)
            """)
        try dir.write(script, to: "fail.py")
        let sweep = try dir.write(
            """
            name: gpus
            seed: 3
            \(Self.dataset)
            trainer:
              kind: command
              command: python3 fail.py {out} {data} {gpu}
              requires: {gpus: 1}
            estimator: {subsets: 6, ratio: 0.5}
            """, to: "gpus.yaml")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: dir.path("gpus.sqlite"), in: dir)
        let plain = try MnemoProcess(
            ["worker", "--connect", endpoint, "--id", "plain"], in: dir, label: "plain", environment: environment(dir))
        Thread.sleep(forTimeInterval: 1.5)
        let cuda = try MnemoProcess(
            ["worker", "--connect", endpoint, "--id", "cuda", "--slots", "2", "--gpus", "3,5"], in: dir, label: "cuda",
            environment: environment(dir))
        #expect(coordinator.wait(timeout: 90) == 0, "\(coordinator.standardError)")
        #expect(cuda.wait(timeout: 30) == 0)
        plain.kill(SIGTERM)
        let runs = try FileManager.default.contentsOfDirectory(atPath: dir.path("gpus")).map { $0.split(separator: "-") }
        #expect(runs.count == 6)
        // {gpu} and CUDA_VISIBLE_DEVICES agree, and both slots' GPUs were used.
        #expect(runs.allSatisfy { $0[0] == $0[1] }, "\(runs)")
        #expect(Set(runs.map { String($0[0]) }) == ["3", "5"], "\(runs)")
        let store = try Store.openReadOnly(path: dir.path("gpus.sqlite"))
        #expect(try store.tasks(sweepID: "gpus").allSatisfy { $0.state == .done })
        var producers: [String] = []
        try store.forEachResult(sweepID: "gpus", trialIndex: 0) { producers.append($0.workerID) }
        #expect(producers == Array(repeating: "cuda", count: 6), "the worker without GPUs took nothing")
    }
}

extension ExternalTrainerTests {
    @Test(.enabled(if: NumPy.isAvailable)) func mnemoTrainOnACommandSweepSaysToRunIt() throws {
        let dir = try TemporaryDirectory()
        let sweep = try failingSweep(Self.outputScript(""), in: dir)
        let train = try MnemoProcess.run(["train", sweep], in: dir, label: "train")
        #expect(train.status == 1)
        #expect(train.stderr.contains("run them with `mnemo run"), "\(train.stderr)")
    }
}

extension ExternalTrainerTests {
    @Test(.enabled(if: NumPy.isAvailable)) func aRunStoppedGracefullyResumesFromItsCheckpoint() throws {
        let dir = try TemporaryDirectory()
        try dir.write(
            Self.outputScript(
                """
                import os, time
                checkpoint = sys.argv[3]
                # The first run ever saves a checkpoint and waits to be stopped; a run that finds its
                # checkpoint says so; other runs just finish.
                if os.path.exists(checkpoint + "/saved"):
                    open("resumed", "w").close()
                elif not os.path.exists("started"):
                    open(checkpoint + "/saved", "w").close()
                    open("started", "w").close()
                    time.sleep(600)
                """), to: "fail.py")
        let sweep = try dir.write(
            """
            name: resume
            seed: 3
            \(Self.dataset)
            trainer: {kind: command, command: "python3 fail.py {out} {data} {checkpoint}"}
            estimator: {subsets: 2, ratio: 0.5}
            """, to: "resume.yaml")
        let db = dir.path("resume.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)
        let first = try MnemoProcess(
            ["worker", "--connect", endpoint, "--id", "first", "--grace", "1"], in: dir, label: "first",
            environment: environment(dir))
        #expect(eventually(timeout: 60) { FileManager.default.fileExists(atPath: dir.path("started")) })
        Foundation.kill(first.pid, SIGTERM)
        #expect(first.wait(timeout: 30) == 0, "\(first.standardError)")
        let second = try MnemoProcess(
            ["worker", "--connect", endpoint, "--id", "second"], in: dir, label: "second", environment: environment(dir))
        #expect(coordinator.wait(timeout: 90) == 0, "\(coordinator.standardError)")
        #expect(second.wait(timeout: 30) == 0)
        #expect(FileManager.default.fileExists(atPath: dir.path("resumed")), "the retaken run found its checkpoint")
        // Checkpoints of finished runs are removed.
        let left = (try? FileManager.default.contentsOfDirectory(atPath: dir.path("cache/mnemo/checkpoints"))) ?? []
        #expect(left.isEmpty, "\(left)")
    }
}
