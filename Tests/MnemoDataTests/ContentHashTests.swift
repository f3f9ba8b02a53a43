import Foundation
import MnemoData
import Testing

@Suite struct ContentHashTests {
    let splits = DatasetSplits(
        source: "a",
        train: LabeledData(features: [0, 0.5, 1, 0.25], labels: [0, 1], dimension: 2, classCount: 2),
        test: LabeledData(features: [1, 1], labels: [1], dimension: 2, classCount: 2))

    @Test func preparedDatasetsRecordTheirSplitsHash() throws {
        let prepared = try PreparedDataset.make(splits: splits, trainLimit: nil, testLimit: nil, seed: 1, labelNoise: 0)
        #expect(prepared.contentHash == splits.contentHash)
        #expect(splits.contentHash.count == 64)
    }

    @Test func hashIgnoresTheSourceButSeesEveryBitOfData() {
        let moved = DatasetSplits(source: "b", train: splits.train, test: splits.test)
        #expect(moved.contentHash == splits.contentHash)
        var features = splits.train.features
        features[3] = features[3].nextUp
        let nudged = DatasetSplits(
            source: "a", train: splits.train.relabeled([0, 1]).replacingFeatures(features), test: splits.test)
        #expect(nudged.contentHash != splits.contentHash)
        let relabeled = DatasetSplits(source: "a", train: splits.train.relabeled([1, 1]), test: splits.test)
        #expect(relabeled.contentHash != splits.contentHash)
        let swapped = DatasetSplits(source: "a", train: splits.test, test: splits.train)
        #expect(swapped.contentHash != splits.contentHash)
    }
}

extension LabeledData {
    fileprivate func replacingFeatures(_ features: [Float]) -> LabeledData {
        LabeledData(features: features, labels: labels, dimension: dimension, classCount: classCount)
    }
}
