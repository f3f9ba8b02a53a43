import Foundation
import MnemoData
import Testing

@Suite struct DatasetSourceTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    @Test func cifarSourcesReadLikeTheirLoaders() throws {
        let batch = DatasetFixtures.cifarBatch(count: 2) { [UInt8($0 * 3), UInt8($0 * 40)] }
        try directory.write(batch, to: CIFAR100.trainFileName)
        try directory.write(batch, to: CIFAR100.testFileName)
        let cache = DatasetCache()
        let fine = try cache.splits(for: .cifar100(directory: directory.url, coarse: false), seed: 1)
        let coarse = try cache.splits(for: .cifar100(directory: directory.url, coarse: true), seed: 1)
        #expect(fine == (try CIFAR100.load(directory: directory.url)))
        #expect(fine.train.labels == [0, 40])
        #expect(coarse.train.labels == [0, 3])
    }

    @Test func purchaseSplitsDependOnTheSeed() throws {
        let rows = (0..<30).map { row in [String(row % 100 + 1)] + (0..<600).map { String(($0 + row) % 2) } }
        let file = try directory.write(DatasetFixtures.csv(rows), to: Purchase100.textFileName)
        let source = DatasetSource.purchase100(file: file, testCount: 10)
        let cache = DatasetCache()
        let first = try cache.splits(for: source, seed: 1)
        let again = try cache.splits(for: source, seed: 1)
        let other = try cache.splits(for: source, seed: 2)
        #expect(first.train.count == 20 && first.test.count == 10)
        #expect(first == again)
        #expect(first.test != other.test)
        #expect(first.train.classCount == 100)
    }

    @Test func texasFolderAndGenericSourcesLoad() throws {
        let texas = directory.url.appendingPathComponent("texas")
        try FileManager.default.createDirectory(at: texas, withIntermediateDirectories: true)
        let features = (0..<4).map { row in (0..<Texas100.featureCount).map { String(($0 + row) % 3 == 0 ? 1 : 0) } }
        try DatasetFixtures.csv(features).write(to: texas.appendingPathComponent("feats"))
        try Data("1\n2\n3\n4\n".utf8).write(to: texas.appendingPathComponent("labels"))
        let texasSplits = try DatasetSource.texas100(path: texas, testCount: 1).load(seed: 5)
        #expect(texasSplits.train.count == 3)
        #expect(Set(texasSplits.train.labels + texasSplits.test.labels) == [0, 1, 2, 3])

        let train = try directory.write(Data("0,1.5,2\n1,0.5,1\n".utf8), to: "train.csv")
        let test = try directory.write(Data("1,3,4\n".utf8), to: "test.csv")
        let csv = try DatasetSource.csv(train: train, test: test, format: CSVFormat(), classCount: 2).load(seed: 0)
        #expect(csv.train.features == [1.5, 2, 0.5, 1])
        #expect(csv.test.labels == [1])

        let wide = try directory.write(Data("1,3,4,5\n".utf8), to: "wide.csv")
        let error = #expect(throws: DatasetError.self) {
            try DatasetSource.csv(train: train, test: wide, format: CSVFormat(), classCount: 2).load(seed: 0)
        }
        #expect(error?.file == wide.path)
    }

    @Test func npzAndSyntheticSourcesLoad() throws {
        let arrays: [(String, NpyArray)] = try [
            ("features", NpyArray(name: "features", shape: [2, 2], values: [1, 2, 3, 4] as [Float])),
            ("labels", NpyArray(name: "labels", shape: [2], values: [1, 0] as [Int64])),
        ]
        let train = try directory.write(DatasetFixtures.npz(arrays), to: "train.npz")
        let splits = try DatasetSource.npz(train: train, test: train, classCount: 2).load(seed: 0)
        #expect(splits.train.labels == [1, 0])
        #expect(splits.test.features == [1, 2, 3, 4])

        let spec = SyntheticSpec(classCount: 3, dimension: 4, commonModeSize: 5, rareModesPerClass: 1, duplicates: 2)
        let prepared = try PreparedDataset.make(
            source: .synthetic(spec), trainLimit: nil, testLimit: nil, seed: 9, labelNoise: 0, cache: DatasetCache())
        #expect(prepared.contentHash == (try SyntheticDataset.generate(spec, seed: 9)).contentHash)
    }
}
