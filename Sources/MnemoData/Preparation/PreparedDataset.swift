import Foundation
import MnemoCore

/// The train and test examples of one sweep: a deterministic selection from the full splits, with
/// planted label noise, optional validation examples, and a content hash that names exactly these
/// examples.
///
/// Everything is a function of (splits, limits, validation size, seed, noise):
/// - training examples: the first `trainLimit` of a permutation drawn from
///   `CounterRNG(key: seed, stream: RandomStream.datasetSelection)`, kept in file order;
/// - validation examples: the next `validationSize` of that same permutation, kept in file order:
///   disjoint from the training examples, which they leave unchanged, and with their original
///   labels (no planted noise);
/// - test examples: the same, drawn from the same stream starting at counter
///   ``testSelectionCounter`` (2⁶², far beyond any draw of the training permutation), so the two
///   draws never overlap;
/// - label noise: exactly ⌊noise · n⌋ training examples, the first of a permutation drawn from
///   `CounterRNG(key: seed, stream: RandomStream.labelNoise)`; in increasing index order each then
///   gets a uniformly random other class drawn from the same generator;
/// - planted memorization pairs (`duplicates`): test examples copied after the training examples,
///   both copies relabelled with one random other class, as
///   ``DatasetSplits/plantingDuplicates(count:rng:)`` draws them from
///   `CounterRNG(key: seed, stream: RandomStream.plantedDuplicates)`; a copy's source index is −1.
public struct PreparedDataset: Sendable {
    /// The selected training examples, with noisy labels.
    public let train: LabeledData
    /// The selected test examples.
    public let test: LabeledData
    /// For each training example, its index in the full training split.
    public let trainSourceIndices: [Int]
    /// For each test example, its index in the full test split.
    public let testSourceIndices: [Int]
    /// Sorted indices (into ``train``) of the examples whose label was flipped.
    public let flippedIndices: [Int]
    /// The training labels before noise.
    public let originalTrainLabels: [Int32]
    /// Examples of the training split outside ``train`` that runs use for checkpoint selection and
    /// early stopping; nil without a validation size.
    public let validation: LabeledData?
    /// For each validation example, its index in the full training split.
    public let validationSourceIndices: [Int]
    /// SHA-256 of ``train``, ``test`` and ``validation`` (when there is one), as
    /// ``DatasetSplits/contentHash`` computes it for train and test.
    public let contentHash: String
    /// The planted memorization pairs (training copy, test example), by test index.
    public let duplicatePairs: [DuplicatePair]

    /// Where the test selection starts in the dataset-selection stream.
    public static let testSelectionCounter: UInt64 = 1 << 62

    /// Prepares a sweep's dataset from loaded splits.
    ///
    /// - Parameters:
    ///   - splits: the full train and test sets.
    ///   - trainLimit: how many training examples to keep; nil keeps all (in file order).
    ///   - testLimit: how many test examples to keep; nil keeps all.
    ///   - seed: the sweep seed.
    ///   - labelNoise: the fraction of training labels to flip, in [0, 1).
    ///   - validationSize: how many validation examples to draw from the training examples not
    ///     selected by `trainLimit` (which it needs); nil draws none.
    /// - Throws: ``DatasetError`` naming the source when a limit exceeds what the split holds, the
    ///   validation examples do not fit beside the training ones, or the noise fraction is out of range.
    public static func make(
        splits: DatasetSplits, trainLimit: Int?, testLimit: Int?, seed: UInt64, labelNoise: Double,
        validationSize: Int? = nil, duplicates: Int = 0
    ) throws(DatasetError) -> PreparedDataset {
        guard labelNoise >= 0, labelNoise < 1 else {
            throw DatasetError(file: splits.source, reason: "label noise \(labelNoise) is outside [0, 1)")
        }
        if labelNoise > 0, splits.train.classCount < 2 {
            throw DatasetError(file: splits.source, reason: "label noise needs at least 2 classes")
        }
        let (trainIndices, validationIndices) = try trainingSelection(
            count: splits.train.count, limit: trainLimit, validationSize: validationSize, source: splits.source,
            seed: seed)
        let testIndices = try selection(
            count: splits.test.count, limit: testLimit, what: "test", source: splits.source,
            rng: CounterRNG(key: seed, stream: RandomStream.datasetSelection, counter: testSelectionCounter))
        let cleanTrain = splits.train.selecting(trainIndices)
        var test = splits.test.selecting(testIndices)

        var noise = CounterRNG(key: seed, stream: RandomStream.labelNoise)
        let (labels, flipped) = LabelNoise.plant(
            in: cleanTrain.labels, fraction: labelNoise, classCount: cleanTrain.classCount, rng: &noise)
        var train = cleanTrain.relabeled(labels)
        var originalTrainLabels = cleanTrain.labels
        var trainSourceIndices = trainIndices
        var pairs: [DuplicatePair] = []
        if duplicates > 0 {
            guard duplicates <= test.count, train.classCount >= 2 else {
                throw DatasetError(
                    file: splits.source,
                    reason: "duplicates \(duplicates) needs at least as many test examples (there are \(test.count)) and 2 classes")
            }
            var rng = CounterRNG(key: seed, stream: RandomStream.plantedDuplicates)
            let planted = DatasetSplits(source: splits.source, train: train, test: test).plantingDuplicates(count: duplicates, rng: &rng)
            (train, test, pairs) = (planted.splits.train, planted.splits.test, planted.pairs)
            originalTrainLabels += pairs.map(\.label)
            trainSourceIndices += pairs.map { _ in -1 }
        }
        let validation = validationSize.map { _ in splits.train.selecting(validationIndices) }
        return PreparedDataset(
            train: train, test: test, trainSourceIndices: trainSourceIndices, testSourceIndices: testIndices,
            flippedIndices: flipped, originalTrainLabels: originalTrainLabels, validation: validation,
            validationSourceIndices: validationIndices,
            contentHash: DatasetSplits.contentHash(of: [train, test] + (validation.map { [$0] } ?? [])),
            duplicatePairs: pairs)
    }

    /// Prepares a sweep's dataset from `source`, loading the splits through `cache`.
    ///
    /// - Parameter cache: where the full splits are kept for later calls; nil loads them for this
    ///   call only, so that once it returns only the selected examples stay in memory (a worker,
    ///   which keeps its prepared dataset, needs nothing more; selecting every example shares the
    ///   loaded storage).
    /// - Throws: ``DatasetError`` from loading or from
    ///   ``make(splits:trainLimit:testLimit:seed:labelNoise:validationSize:)``.
    public static func make(
        source: DatasetSource, trainLimit: Int?, testLimit: Int?, seed: UInt64, labelNoise: Double,
        validationSize: Int? = nil, duplicates: Int = 0, cache: DatasetCache? = .shared
    ) throws(DatasetError) -> PreparedDataset {
        let splits = if let cache { try cache.splits(for: source, seed: seed) } else { try source.load(seed: seed) }
        return try make(
            splits: splits, trainLimit: trainLimit, testLimit: testLimit, seed: seed, labelNoise: labelNoise,
            validationSize: validationSize, duplicates: duplicates)
    }

    /// Prepares a sweep's Fashion-MNIST dataset, loading the splits through `cache` (nil: not kept).
    ///
    /// - Throws: ``DatasetError`` from loading or from
    ///   ``make(splits:trainLimit:testLimit:seed:labelNoise:validationSize:)``.
    public static func make(
        directory: URL, trainLimit: Int?, testLimit: Int?, seed: UInt64, labelNoise: Double,
        cache: DatasetCache? = .shared
    ) throws(DatasetError) -> PreparedDataset {
        try make(
            source: .fashionMNIST(directory: directory), trainLimit: trainLimit, testLimit: testLimit, seed: seed,
            labelNoise: labelNoise, cache: cache)
    }

    /// The training examples and, after them in the same permutation, the validation examples.
    private static func trainingSelection(
        count: Int, limit: Int?, validationSize: Int?, source: String, seed: UInt64
    ) throws(DatasetError) -> (train: [Int], validation: [Int]) {
        var rng = CounterRNG(key: seed, stream: RandomStream.datasetSelection)
        guard let validationSize else {
            return (try selection(count: count, limit: limit, what: "training", source: source, rng: rng), [])
        }
        let studied = limit ?? count
        guard studied >= 1, validationSize >= 1, studied + validationSize <= count else {
            throw DatasetError(
                file: source,
                reason: "validation_size \(validationSize) does not fit: the training split holds \(count) examples "
                    + "and \(studied) of them are studied (train_limit), leaving \(max(0, count - studied)) for validation")
        }
        let order = rng.permutation(of: count)
        return (order.prefix(studied).sorted(), order[studied..<(studied + validationSize)].sorted())
    }

    private static func selection(
        count: Int, limit: Int?, what: String, source: String, rng: CounterRNG
    ) throws(DatasetError) -> [Int] {
        guard let limit else { return Array(0..<count) }
        guard limit >= 1, limit <= count else {
            throw DatasetError(
                file: source, reason: "\(what) limit \(limit) is outside 1...\(count), the \(what) examples available")
        }
        var rng = rng
        return rng.permutation(of: count).prefix(limit).sorted()
    }
}
