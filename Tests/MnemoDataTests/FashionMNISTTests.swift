import Foundation
import MnemoData
import Testing

@Suite(.enabled(
    if: FileManager.default.fileExists(
        atPath: FashionMNIST.defaultDirectory.appendingPathComponent(FashionMNIST.fileNames[0]).path),
    "needs the Debian package dataset-fashion-mnist"))
struct FashionMNISTTests {
    @Test func realFilesLoad() throws {
        let splits = try DatasetCache.shared.fashionMNIST()
        #expect(splits.train.count == 60000)
        #expect(splits.train.dimension == 784)
        #expect(splits.test.count == 10000)
        #expect(splits.test.dimension == 784)
        #expect(splits.train.classCount == 10)
        var trainCounts = [Int](repeating: 0, count: 10)
        for label in splits.train.labels { trainCounts[Int(label)] += 1 }
        var testCounts = [Int](repeating: 0, count: 10)
        for label in splits.test.labels { testCounts[Int(label)] += 1 }
        #expect(trainCounts == [Int](repeating: 6000, count: 10))
        #expect(testCounts == [Int](repeating: 1000, count: 10))
        let firstImages = splits.train.features.prefix(100 * 784)
        #expect(firstImages.min() == 0)
        #expect(firstImages.max() == 1)
    }

    @Test func quickstartPreparation() throws {
        let prepared = try PreparedDataset.make(
            directory: FashionMNIST.defaultDirectory, trainLimit: 5000, testLimit: 1000, seed: 1, labelNoise: 0.05)
        #expect(prepared.train.count == 5000)
        #expect(prepared.test.count == 1000)
        #expect(prepared.flippedIndices.count == 250)
        let again = try PreparedDataset.make(
            directory: FashionMNIST.defaultDirectory, trainLimit: 5000, testLimit: 1000, seed: 1, labelNoise: 0.05)
        #expect(again.contentHash == prepared.contentHash)
    }
}
