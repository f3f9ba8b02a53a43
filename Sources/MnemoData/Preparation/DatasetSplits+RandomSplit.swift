import MnemoCore

extension DatasetSplits {
    /// A train/test split of a dataset published as one set (Purchase-100, Texas-100): the test
    /// examples are the first `testCount` of a permutation drawn from
    /// `CounterRNG(key: seed, stream: RandomStream.datasetSplit)`; both sets keep file order.
    ///
    /// - Throws: ``DatasetError`` naming `source` when `testCount` leaves no training or test example.
    public static func randomSplit(
        _ data: LabeledData, testCount: Int, seed: UInt64, source: String
    ) throws(DatasetError) -> DatasetSplits {
        guard testCount >= 1, testCount < data.count else {
            throw DatasetError(
                file: source, reason: "test count \(testCount) is outside 1..<\(data.count), the examples available")
        }
        var rng = CounterRNG(key: seed, stream: RandomStream.datasetSplit)
        let permutation = rng.permutation(of: data.count)
        let test = permutation.prefix(testCount).sorted()
        let train = permutation.dropFirst(testCount).sorted()
        return DatasetSplits(source: source, train: data.selecting(train), test: data.selecting(test))
    }
}
