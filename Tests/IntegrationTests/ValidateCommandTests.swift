import Foundation
import MnemoTestSupport
import Testing

/// `mnemo validate`: 0 and a summary for a valid file, 65 and the located error (with a suggestion for
/// a misspelt key, and for checks that need the data) otherwise; nothing is registered.
@Suite struct ValidateCommandTests {
    @Test func validFilesSummarizeAndInvalidOnesExit65WithTheirPlace() throws {
        let dir = try TemporaryDirectory()
        let good = try dir.write(SweepFixture.synthetic(name: "good", subsets: 6), to: "good.yaml")
        let valid = try MnemoProcess.run(["validate", good], in: dir, label: "valid")
        #expect(valid.status == 0, "\(valid.stderr)")
        #expect(valid.stdout.contains("good.yaml: valid") && valid.stdout.contains("6 runs"), "\(valid.stdout)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("good.sqlite")), "validate registers nothing")

        let typo = try dir.write(
            SweepFixture.synthetic(name: "typo", subsets: 6).replacingOccurrences(of: "subsets:", with: "subsest:"), to: "typo.yaml")
        let misspelt = try MnemoProcess.run(["validate", typo], in: dir, label: "typo")
        #expect(misspelt.status == 65, "\(misspelt.stderr)")
        #expect(misspelt.stderr.contains("typo.yaml:") && misspelt.stderr.contains("did you mean 'subsets'?"), "\(misspelt.stderr)")

        // A check that needs the data: indices of a stop rule beyond the examples studied.
        let outside = try dir.write(
            SweepFixture.synthetic(name: "outside", subsets: 6)
                .replacingOccurrences(of: "subsets: 6", with: "subsets: 6, stop_when: {mem_se_below: 0.1, examples: [100000]}"),
            to: "outside.yaml")
        let refused = try MnemoProcess.run(["validate", outside], in: dir, label: "outside")
        #expect(refused.status == 65 && refused.stderr.contains("estimator.stop_when.examples"), "\(refused.stderr)")
    }

    @Test func planSaysTasksDiskMemoryAndWithCalibrationCPUHours() throws {
        let dir = try TemporaryDirectory()
        let file = try dir.write(SweepFixture.synthetic(name: "planned", subsets: 6), to: "planned.yaml")
        let plan = try MnemoProcess.run(["plan", file], in: dir, label: "plan")
        #expect(plan.status == 0, "\(plan.stderr)")
        for line in ["sweep planned: 1 trial × 6 runs = 6 tasks", "disk: about", "memory: at most", "add --calibrate"] {
            #expect(plan.stdout.contains(line), "\(line): \(plan.stdout)")
        }
        let calibrated = try MnemoProcess.run(["plan", file, "--calibrate"], in: dir, label: "calibrated")
        #expect(calibrated.status == 0 && calibrated.stdout.contains("CPU-hours: about"), "\(calibrated.stdout)\(calibrated.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path("planned.sqlite")), "plan registers nothing")
        let bad = try dir.write("name: x\n", to: "bad.yaml")
        #expect(try MnemoProcess.run(["plan", bad], in: dir, label: "bad").status == 65)
    }

    @Test func theCIFAR100RecipeIsPlannedFromItsFormatWhereTheFilesAreAbsentAndRefusedByValidate() throws {
        let dir = try TemporaryDirectory()
        let recipe = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sweeps/cifar100-fz.yaml").path
        let plan = try MnemoProcess.run(["plan", recipe], in: dir, label: "plan")
        #expect(plan.status == 0, "\(plan.stderr)")
        for line in ["sweep cifar100-fz: 1 trial × 4000 runs = 4000 tasks", "data: 50000 train / 10000 test examples of 100 classes",
            "disk: about 32.5 MiB for the results", "set by the sweep's trainer"]
        {
            #expect(plan.stdout.contains(line), "\(line): \(plan.stdout)")
        }
        #expect(plan.stderr.contains("/data/cifar-100-binary/train.bin: no such file; sizes taken from the cifar100 format"), "\(plan.stderr)")
        let validate = try MnemoProcess.run(["validate", recipe], in: dir, label: "validate")
        #expect(validate.status == 65 && validate.stderr.contains("no such file"), "\(validate.stderr)")
        // A format whose sizes depend on its files is not guessed.
        let csv = try dir.write(
            "name: gone\ndataset: {name: csv, files: {train: gone.csv, test: gone.csv}}\nmodel: {kind: softmax}\n"
                + "training: {learning_rate: 0.1, max_epochs: 1}\nestimator: {subsets: 2}\n", to: "gone.yaml")
        #expect(try MnemoProcess.run(["plan", csv], in: dir, label: "gone").status == 65)
    }

    /// Careless inputs a probe found, each refused with what is wrong and where.
    @Test func foldersBytesOverflowingDuplicatesAndOutputFilesAreNamed() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path("folder.yaml"), withIntermediateDirectories: true)
        let folder = try MnemoProcess.run(["validate", dir.path("folder.yaml")], in: dir, label: "folder")
        #expect(folder.status == 65 && folder.stderr.contains("a sweep file, found a folder"), "\(folder.stderr)")
        try Data([0xff, 0xfe, 0x00, 0x9f, 0x80]).write(to: URL(fileURLWithPath: dir.path("bytes.yaml")))
        let bytes = try MnemoProcess.run(["validate", dir.path("bytes.yaml")], in: dir, label: "bytes")
        #expect(bytes.status == 65 && bytes.stderr.contains("YAML text in UTF-8"), "\(bytes.stderr)")
        let crowded = try dir.write(
            SweepFixture.synthetic(name: "crowded", subsets: 4).replacingOccurrences(of: "common_test_size: 5}", with: "common_test_size: 5, duplicates: 11}"),
            to: "crowded.yaml")
        let located = try MnemoProcess.run(["validate", crowded], in: dir, label: "crowded")
        #expect(
            located.status == 65 && located.stderr.contains("crowded.yaml:") && located.stderr.contains("dataset.synthetic.duplicates:"),
            "\(located.stderr)")
        let plain = try dir.write(
            SweepFixture.synthetic(name: "plain", subsets: 4).replacingOccurrences(of: "  name: synthetic", with: "  name: synthetic\n  duplicates: 0"),
            to: "plain.yaml")
        #expect(try MnemoProcess.run(["validate", plain], in: dir, label: "zero").status == 0, "duplicates: 0 is the default")
        #expect(try MnemoProcess.run(["run", plain, "--quiet"], in: dir, label: "run").status == 0)
        try dir.write("", to: "afile")
        let file = try MnemoProcess.run(["export", dir.path("plain.sqlite"), "--out", dir.path("afile")], in: dir, label: "out")
        #expect(file.status != 0 && file.stderr.contains("exists and is not a folder"), "\(file.stderr)")
        let negative = try MnemoProcess.run(["scores", dir.path("plain.sqlite"), "--max-se", "-1"], in: dir, label: "negative")
        #expect(negative.status != 0 && negative.stderr.contains("--max-se must be in (0, 1], got -1"), "\(negative.stderr)")
    }
}
