import Foundation
import MnemoTestSupport
import Testing

/// `mnemo run` and `mnemo train` on generated and CSV data, which need no installed dataset.
@Suite(.serialized)
struct DatasetFormsRunTests {
    @Test func plantedLabelNoiseInSyntheticDataScoresHighMemorization() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(
            """
            name: planted
            seed: 5
            dataset:
              name: synthetic
              synthetic: {class_count: 4, dimension: 16, common_modes_per_class: 2, common_mode_size: 30, rare_modes_per_class: 0, common_test_size: 10, spread: 0.5}
              label_noise: 0.1
            model: {kind: mlp, hidden: [64]}
            training: {batch_size: 32, learning_rate: 0.1, max_epochs: 150, until_train_accuracy: 1.0}
            estimator: {subsets: 16, ratio: 0.5}
            """, to: "planted.yaml")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2", "--quiet"], in: dir, label: "run")
        #expect(run.status == 0, "mnemo run failed: \(run.stderr)")
        let export = try MnemoProcess.run(
            ["export", dir.path("planted.sqlite"), "--out", dir.path("out")], in: dir, label: "export")
        #expect(export.status == 0, "\(export.stderr)")
        let summary = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: dir.path("out/summary.json")))) as? [String: Any]
        #expect(summary?["tasks_done"] as? Int == 16)
        #expect(summary?["train_examples"] as? Int == 240)
        #expect(summary?["label_noise_flips"] as? Int == 24)
        // The 24 flipped labels sit inside clusters of another class: only memorization fits them.
        let auc = try #require(summary?["mislabeled_auc"] as? Double)
        #expect(auc > 0.95, "mislabeled AUC \(auc)")
        let flipped = try #require(summary?["mean_mem_flipped"] as? Double)
        let clean = try #require(summary?["mean_mem_clean"] as? Double)
        #expect(flipped > clean + 0.5, "mean mem flipped \(flipped), clean \(clean)")
    }

    /// Three well-separated classes of 4 features; row i of a split is a fixed function of i.
    static func blobs(count: Int, salt: Int) -> String {
        (0..<count).map { row in
            let label = row % 3
            let features = (0..<4).map { axis in
                let jitter = Double((row * 7919 + axis * 104_729 + salt) % 1000) / 1000 - 0.5
                return String(Double(axis == label ? 3 : 0) + jitter)
            }
            return (features + [String(label)]).joined(separator: ",")
        }.joined(separator: "\n") + "\n"
    }

    static func csvSweep(validationSize: Int, validation: String = "{patience: 5}") -> String {
        """
        \(SweepFixture.csvBesideData)
          train_limit: 100
          validation_size: \(validationSize)
        model: {kind: mlp, hidden: [16]}
        training:
          batch_size: 16
          learning_rate: 0.1
          max_epochs: 30
          validation: \(validation)
        estimator: {subsets: 8}
        """
    }

    @Test func aCSVSweepBesideItsDataRunsWithAValidationSet() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path("data"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.path("sweeps"), withIntermediateDirectories: true)
        try dir.write(Self.blobs(count: 150, salt: 1), to: "data/train.csv")
        try dir.write(Self.blobs(count: 30, salt: 2), to: "data/test.csv")
        // The processes run in `dir`, where ../data is not the data: paths resolve beside the sweep.
        let sweep = try dir.write(Self.csvSweep(validationSize: 50), to: "sweeps/held.yaml")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2"], in: dir, label: "run")
        #expect(run.status == 0, "mnemo run failed: \(run.stderr)")
        #expect(run.stderr.contains("dataset csv: 100 train, 30 test, 50 validation examples"), "\(run.stderr)")
        // The classes separate at once: every run keeps epoch 1 and stops 5 epochs later.
        #expect(run.stdout.contains("6.0 epochs per run"), "\(run.stdout)")
        let status = try MnemoProcess.run(["status", dir.path("sweeps/held.sqlite")], in: dir, label: "status")
        #expect(status.stdout.contains("8/8 tasks done"), "\(status.stdout)")

        let train = try MnemoProcess.run(["train", sweep], in: dir, label: "train")
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("validation accuracy 1.0000 (weights of epoch 1)"), "\(train.stdout)")
        #expect(train.stdout.contains("6 epochs in"), "\(train.stdout)")

        let crowded = try dir.write(Self.csvSweep(validationSize: 51), to: "sweeps/crowded.yaml")
        let refused = try MnemoProcess.run(["run", crowded], in: dir, label: "refused")
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains(
                "validation_size 51 does not fit: the training split holds 150 examples and 100 of them are studied "
                    + "(train_limit), leaving 50 for validation"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("sweeps/crowded.sqlite")))

        let split = try dir.write(Self.csvSweep(validationSize: 50, validation: "{fraction: 0.1}"), to: "sweeps/split.yaml")
        let members = try MnemoProcess.run(["run", split], in: dir, label: "split")
        #expect(members.status != 0)
        #expect(
            members.stderr.contains(
                "training.validation.fraction: a validation split holds out members of each subset"), "\(members.stderr)")
    }

    @Test func aNoopTrainerTakesTheWholePathWithoutTraining() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(CommandBoundsTests.sweep + "\ntrainer: {kind: noop}", to: "noop.yaml")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2", "--no-progress"], in: dir, label: "noop")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("2 runs of 2"), "\(run.stdout)")
        #expect(run.stdout.contains("test accuracy 0.0000 · 0.0 epochs per run"), "\(run.stdout)")
    }
}
