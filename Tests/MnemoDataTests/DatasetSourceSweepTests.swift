import Foundation
import MnemoCore
import MnemoData
import MnemoTestSupport
import Testing

@Suite struct DatasetSourceSweepTests {
    static func dataset(_ lines: String, file: String = "d.yaml") throws -> DatasetSpec {
        try SweepParser.parse(yaml: SweepFixture.withDataset(lines), file: file).dataset
    }

    @Test func eachFamilyMapsToItsSource() throws {
        #expect(try DatasetSource(try Self.dataset("  name: fashion-mnist")) == .fashionMNIST(directory: URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")))
        #expect(try DatasetSource(try Self.dataset("  name: cifar100\n  path: /data/c100\n  coarse_labels: true")) == .cifar100(directory: URL(fileURLWithPath: "/data/c100"), coarse: true))
        #expect(try DatasetSource(try Self.dataset("  name: purchase100\n  path: /data/p.npz\n  test_count: 500")) == .purchase100(file: URL(fileURLWithPath: "/data/p.npz"), testCount: 500))
    }

    @Test(arguments: [
        ("  name: cifar10", "d.yaml:4:9: dataset.name: cifar10 needs a path to its files"),
        ("  name: texas100\n  path: /t", "d.yaml:4:9: dataset.name: texas100 comes as one set: give test_count, the examples held out for test"),
        ("  name: cifar10\n  path: /c\n  coarse_labels: true", "d.yaml:6:18: dataset.coarse_labels: only cifar100 has coarse labels"),
    ])
    func incompleteSectionsAreRejected(lines: String, message: String) {
        #expect {
            try Self.dataset(lines)
        } throws: { error in
            (error as? SweepFileError)?.description == message
        }
    }
}

/// The file and generated forms, from a sweep's dataset section to prepared examples.
extension DatasetSourceSweepTests {
    @Test func fileFormsMapToTheirSourcesWithPathsBesideTheSweep() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("data"), withIntermediateDirectories: true)
        for name in ["train.csv", "test.csv", "x.npy", "y.npy", "a.npz"] { try dir.write(Data(), to: "data/\(name)") }
        let sweep = dir.path("s.yaml")
        let csv = try DatasetSource(
            Self.dataset(
                "  name: csv\n  train: data/train.csv\n  test: data/test.csv\n  class_count: 3\n  header: true\n"
                    + "  label_column: kind\n  delimiter: \";\"\n  label_base: 1", file: sweep))
        let format = CSVFormat(delimiter: ";", hasHeader: true, labelColumn: .named("kind"), labelBase: 1)
        #expect(
            csv == .csv(
                train: URL(fileURLWithPath: dir.path("data/train.csv")),
                test: URL(fileURLWithPath: dir.path("data/test.csv")), format: format, classCount: 3))
        let npy = try DatasetSource(
            Self.dataset(
                "  name: npy\n  train: {features: data/x.npy, labels: data/y.npy}\n"
                    + "  test: {features: data/x.npy, labels: data/y.npy}\n  class_count: 2", file: sweep))
        let (x, y) = (URL(fileURLWithPath: dir.path("data/x.npy")), URL(fileURLWithPath: dir.path("data/y.npy")))
        #expect(npy == .npy(trainFeatures: x, trainLabels: y, testFeatures: x, testLabels: y, classCount: 2))
        let npz = try DatasetSource(
            Self.dataset("  name: npz\n  train: data/a.npz\n  test: data/a.npz\n  class_count: 4", file: sweep))
        let a = URL(fileURLWithPath: dir.path("data/a.npz"))
        #expect(npz == .npz(train: a, test: a, classCount: 4))
    }

    @Test func syntheticSettingsKeepTheGeneratorsDefaultsForWhatTheyLeaveOut() throws {
        let given = try DatasetSource(
            Self.dataset("  name: synthetic\n  synthetic: {class_count: 4, spread: 0.5, duplicates: 3}"))
        #expect(given == .synthetic(SyntheticSpec(classCount: 4, spread: 0.5, duplicates: 3)))
        #expect(try DatasetSource(Self.dataset("  name: synthetic")) == .synthetic(SyntheticSpec()))
    }

    @Test func aCSVSweepPreparesItsExamplesAndValidationSet() throws {
        let dir = try TemporaryDirectory()
        let rows = (0..<40).map { "\(Double($0) * 0.5),\($0 % 4),\($0 % 3)\n" }
        try dir.write(Data(("a,b,y\n" + rows.joined()).utf8), to: "train.csv")
        try dir.write(Data("a,b,y\n1,2,0\n3,4,2\n".utf8), to: "test.csv")
        let spec = try Self.dataset(
            "  name: csv\n  train: train.csv\n  test: test.csv\n  class_count: 3\n  header: true\n"
                + "  label_column: last\n  train_limit: 30\n  validation_size: 10", file: dir.path("s.yaml"))
        let prepared = try PreparedDataset.make(spec: spec, seed: 4, cache: DatasetCache())
        let validation = try #require(prepared.validation)
        #expect(prepared.train.count == 30 && validation.count == 10 && prepared.test.count == 2)
        // Together they are the whole file, each row once: its first feature is half its index.
        let features = prepared.train.features + validation.features
        let firsts = stride(from: 0, to: features.count, by: 2).map { features[$0] }
        let expected: [Float] = (0..<40).map { Float($0) * 0.5 }
        #expect(firsts.sorted() == expected)
        #expect(validation.labels == prepared.validationSourceIndices.map { Int32($0 % 3) })
    }
}
