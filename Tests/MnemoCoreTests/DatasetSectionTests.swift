import Foundation
import MnemoCore
import MnemoTestSupport
import Testing

/// The dataset section's file and generated forms, its validation set, and where relative paths point.
@Suite struct DatasetSectionTests {
    let dir: TemporaryDirectory

    /// A folder with `data/` holding (empty) files of every form; the parser only checks they exist.
    init() throws {
        dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir.path("data"), withIntermediateDirectories: true)
        for name in ["train.csv", "test.csv", "x.npy", "y.npy", "a.npz"] { try dir.write("", to: "data/\(name)") }
    }

    static func yaml(_ lines: String) -> String { SweepFixture.withDataset(lines) }

    func dataset(_ lines: String) throws -> DatasetSpec {
        try SweepParser.parse(yaml: Self.yaml(lines), file: dir.path("s.yaml")).dataset
    }

    @Test func csvFilesResolveAgainstTheSweepFolder() throws {
        let folder = dir.url.lastPathComponent
        let spec = try dataset(
            "  name: csv\n  train: data/train.csv\n  test: ../\(folder)/data/test.csv\n  class_count: 3\n"
                + "  header: true\n  label_column: 2\n  train_limit: 100\n  validation_size: 20")
        #expect(spec.path == "")
        #expect(spec.validationSize == 20)
        #expect(
            spec.files
                == DatasetFiles(
                    train: dir.path("data/train.csv"), test: dir.path("data/test.csv"), classCount: 3,
                    delimiter: ",", header: true, labelColumn: .index(2)))
        #expect(try dataset("  name: csv\n  train: data/train.csv\n  test: data/test.csv\n  class_count: 3").files?.labelColumn == .first)
    }

    @Test func aSweepFileElsewhereResolvesAgainstItsOwnFolderNotTheWorkingDirectory() throws {
        try FileManager.default.createDirectory(atPath: dir.path("sweeps"), withIntermediateDirectories: true)
        let csv = try dir.write(
            Self.yaml("  name: csv\n  train: ../data/train.csv\n  test: ../data/test.csv\n  class_count: 2"),
            to: "sweeps/csv.yaml")
        #expect(try SweepParser.parse(contentsOf: csv).dataset.files?.train == dir.path("data/train.csv"))
        let named = try dir.write(Self.yaml("  name: cifar10\n  path: ../cifar"), to: "sweeps/cifar.yaml")
        #expect(try SweepParser.parse(contentsOf: named).dataset.path == dir.path("cifar"))
        #expect(try dataset("  name: cifar10\n  path: /srv/cifar").path == "/srv/cifar")
    }

    @Test func numpyFormsNameTheirArrays() throws {
        let npy = try dataset(
            "  name: npy\n  train: {features: data/x.npy, labels: data/y.npy}\n"
                + "  test: {features: data/x.npy, labels: data/y.npy}\n  class_count: 2\n  label_base: 1")
        #expect(
            npy.files
                == DatasetFiles(
                    train: dir.path("data/x.npy"), test: dir.path("data/x.npy"), trainLabels: dir.path("data/y.npy"),
                    testLabels: dir.path("data/y.npy"), classCount: 2, labelBase: 1))
        let npz = try dataset("  name: npz\n  train: data/a.npz\n  test: data/a.npz\n  class_count: 5")
        #expect(npz.files == DatasetFiles(train: dir.path("data/a.npz"), test: dir.path("data/a.npz"), classCount: 5))
    }

    @Test func syntheticSettingsTravelAsCanonicalJSON() throws {
        let spec = try dataset(
            "  name: synthetic\n  synthetic: {dimension: 8, class_count: 4, spread: 0.5}\n  label_noise: 0.1")
        #expect(spec.synthetic == #"{"class_count":4,"dimension":8,"spread":0.5}"#)
        #expect(spec.labelNoise == 0.1)
        #expect(try dataset("  name: synthetic").synthetic == "")
        #expect(try dataset("  name: fashion-mnist").synthetic == nil)
    }

    struct BadSection: CustomTestStringConvertible, Sendable {
        let label: String
        let lines: String
        /// The message, with `DIR` for the test's folder.
        let message: String
        var testDescription: String { label }
    }

    @Test(arguments: [
        BadSection(
            label: "missing file",
            lines: "  name: csv\n  train: data/nope.csv\n  test: data/test.csv\n  class_count: 2",
            message: "DIR/s.yaml:5:10: dataset.train: no file at DIR/data/nope.csv"),
        BadSection(
            label: "folder for a file",
            lines: "  name: npz\n  train: data\n  test: data/a.npz\n  class_count: 2",
            message: "DIR/s.yaml:5:10: dataset.train: DIR/data is a folder, expected a file"),
        BadSection(
            label: "missing test file",
            lines: "  name: npz\n  train: data/a.npz\n  class_count: 2",
            message: "DIR/s.yaml:4:3: dataset.test: missing required field 'test'"),
        BadSection(
            label: "missing class count",
            lines: "  name: csv\n  train: data/train.csv\n  test: data/test.csv",
            message: "DIR/s.yaml:4:3: dataset.class_count: missing required field 'class_count'"),
        BadSection(
            label: "npy without labels",
            lines: "  name: npy\n  train: {features: data/x.npy}\n  test: {features: data/x.npy, labels: data/y.npy}\n"
                + "  class_count: 2",
            message: "DIR/s.yaml:5:10: dataset.train.labels: missing required field 'labels'"),
        BadSection(
            label: "npy with one file",
            lines: "  name: npy\n  train: data/x.npy\n  test: data/x.npy\n  class_count: 2",
            message: "DIR/s.yaml:5:10: dataset.train: expected a mapping, found \"data/x.npy\""),
        BadSection(
            label: "path for files",
            lines: "  name: csv\n  path: data",
            message: "DIR/s.yaml:5:9: dataset.path: only fashion-mnist, cifar10, cifar100, purchase100 and texas100 take path"),
        BadSection(
            label: "csv setting for npz",
            lines: "  name: npz\n  train: data/a.npz\n  test: data/a.npz\n  class_count: 2\n  label_column: last",
            message: "DIR/s.yaml:8:17: dataset.label_column: only csv takes label_column"),
        BadSection(
            label: "column name without header",
            lines: "  name: csv\n  train: data/train.csv\n  test: data/test.csv\n  class_count: 2\n  label_column: kind",
            message: "DIR/s.yaml:8:17: dataset.label_column: a column named 'kind' needs header: true "
                + "(or use first, last or an index)"),
        BadSection(
            label: "long delimiter",
            lines: "  name: csv\n  train: data/train.csv\n  test: data/test.csv\n  class_count: 2\n  delimiter: \"ab\"",
            message: "DIR/s.yaml:8:14: dataset.delimiter: expected one ASCII character other than a digit, sign, dot "
                + "or space, e.g. \";\", found \"ab\""),
        BadSection(
            label: "generator noise",
            lines: "  name: synthetic\n  synthetic: {label_noise: 0.1}",
            message: "DIR/s.yaml:5:28: dataset.synthetic.label_noise: use dataset.label_noise, whose flips are "
                + "recorded with the sweep and scored"),
        BadSection(
            label: "one class",
            lines: "  name: synthetic\n  synthetic: {class_count: 1}",
            message: "DIR/s.yaml:5:28: dataset.synthetic.class_count: expected an integer of at least 2, found \"1\""),
        BadSection(
            label: "unknown generator setting",
            lines: "  name: synthetic\n  synthetic: {classes: 3}",
            message: "DIR/s.yaml:5:15: dataset.synthetic.classes: unknown key 'classes'; allowed here: class_count, "
                + "dimension, common_modes_per_class, common_mode_size, rare_modes_per_class, rare_mode_size, "
                + "common_test_size, rare_test_size, mode_scale, spread, duplicates"),
        BadSection(
            label: "validation without a train limit",
            lines: "  name: synthetic\n  validation_size: 50",
            message: "DIR/s.yaml:5:20: dataset.validation_size: the studied examples are the whole training split "
                + "(no train_limit), so none are left for validation; set train_limit"),
    ])
    func brokenSectionsSayWhere(_ bad: BadSection) {
        #expect {
            try dataset(bad.lines)
        } throws: { error in
            (error as? SweepFileError)?.description == bad.message.replacingOccurrences(of: "DIR", with: dir.url.path)
        }
    }
}
