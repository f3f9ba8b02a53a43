import MnemoCore

extension DatasetSplits {
    /// These splits with `count` test examples copied to the end of the training set, each pair
    /// relabelled with one random other class (the calibration's memorization pairs).
    ///
    /// The test examples are the first `count` of a permutation drawn from `rng`, in increasing
    /// index order; each then draws its new label from the same `rng`.
    ///
    /// - Returns: the new splits and the planted pairs, in increasing test index.
    public func plantingDuplicates(count: Int, rng: inout CounterRNG) -> (splits: DatasetSplits, pairs: [DuplicatePair])
    {
        precondition(count >= 0 && count <= test.count, "duplicate count outside 0...\(test.count)")
        precondition(count == 0 || train.classCount >= 2, "relabelled duplicates need at least 2 classes")
        guard count > 0 else { return (self, []) }
        let chosen = rng.permutation(of: test.count).prefix(count).sorted()
        var testLabels = test.labels
        var pairs: [DuplicatePair] = []
        for (position, index) in chosen.enumerated() {
            let label = LabelNoise.otherClass(than: testLabels[index], classCount: test.classCount, rng: &rng)
            pairs.append(
                DuplicatePair(
                    train: train.count + position, test: index, label: label, originalLabel: testLabels[index]))
            testLabels[index] = label
        }
        let copies = test.selecting(chosen)
        let newTrain = LabeledData(
            features: train.features + copies.features, labels: train.labels + pairs.map(\.label),
            dimension: train.dimension, classCount: train.classCount)
        return (DatasetSplits(source: source, train: newTrain, test: test.relabeled(testLabels)), pairs)
    }
}
