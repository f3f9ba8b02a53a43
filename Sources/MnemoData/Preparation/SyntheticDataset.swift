import MnemoCore

/// A generated dataset with a known memorization structure, and a record of what was planted.
///
/// Everything is a function of (spec, seed), drawn from `CounterRNG(key: seed,
/// stream: RandomStream.syntheticData)` in three phases that start at fixed counters, so that
/// changing what is planted never changes the generated examples:
/// 1. counter 0: mode centres (class by class, common modes first, each coordinate
///    `modeScale · N(0, 1)`), then the training examples mode by mode, then the test examples mode by
///    mode (each coordinate `centre + spread · N(0, 1)`). Examples stay in that order.
/// 2. counter 2⁶⁰: duplicates, as ``DatasetSplits/plantingDuplicates(count:rng:)``: copies appended
///    after the generated training examples.
/// 3. counter 2⁶¹: label noise over the generated training examples (not the copies), flipping
///    exactly ⌊label_noise · n⌋ as ``PreparedDataset`` does.
///
/// ```swift
/// let data = try SyntheticDataset.generate(SyntheticSpec(rareModeSize: 1, duplicates: 20), seed: 7)
/// let rareTrain = data.trainModes.indices.filter { data.isRare(mode: data.trainModes[$0]) }
/// ```
public struct SyntheticDataset: Sendable {
    /// What was generated.
    public let spec: SyntheticSpec
    /// The seed it was generated from.
    public let seed: UInt64
    /// The examples, with planted duplicates and noisy labels; source `synthetic`.
    public let splits: DatasetSplits
    /// The mode of each training example (duplicates carry their test example's mode). Modes are
    /// numbered class by class: mode `c · modesPerClass + k` belongs to class c, and is rare when
    /// `k ≥ commonModesPerClass`.
    public let trainModes: [Int]
    /// The mode of each test example.
    public let testModes: [Int]
    /// The planted memorization pairs, in increasing test index.
    public let duplicatePairs: [DuplicatePair]
    /// Sorted indices of the training examples whose label was flipped.
    public let flippedIndices: [Int]
    /// The training labels before label noise (duplicates carry their planted label).
    public let originalTrainLabels: [Int32]

    /// Where the duplicates phase starts in the stream.
    public static let duplicatesCounter: UInt64 = 1 << 60
    /// Where the label-noise phase starts in the stream.
    public static let labelNoiseCounter: UInt64 = 1 << 61

    /// ``DatasetSplits/contentHash`` of ``splits``.
    public var contentHash: String { splits.contentHash }

    /// The class of `mode`.
    public func modeClass(_ mode: Int) -> Int32 { Int32(mode / spec.modesPerClass) }

    /// Whether `mode` is one of the rare ones.
    public func isRare(mode: Int) -> Bool { mode % spec.modesPerClass >= spec.commonModesPerClass }

    /// Training examples per mode (without duplicates): its frequency in the long tail.
    public func trainSize(ofMode mode: Int) -> Int { isRare(mode: mode) ? spec.rareModeSize : spec.commonModeSize }

    /// Generates the dataset of `spec` from `seed`.
    ///
    /// - Throws: ``DatasetError`` from ``SyntheticSpec/validate()``.
    public static func generate(_ spec: SyntheticSpec, seed: UInt64) throws(DatasetError) -> SyntheticDataset {
        try spec.validate()
        var rng = CounterRNG(key: seed, stream: RandomStream.syntheticData)
        let modeCount = spec.classCount * spec.modesPerClass
        let centres = (0..<(modeCount * spec.dimension)).map { _ in spec.modeScale * rng.nextGaussian() }
        func isRare(_ mode: Int) -> Bool { mode % spec.modesPerClass >= spec.commonModesPerClass }
        func examples(common: Int, rare: Int) -> (data: LabeledData, modes: [Int]) {
            var features: [Float] = []
            var labels: [Int32] = []
            var modes: [Int] = []
            for mode in 0..<modeCount {
                for _ in 0..<(isRare(mode) ? rare : common) {
                    for axis in 0..<spec.dimension {
                        features.append(centres[mode * spec.dimension + axis] + spec.spread * rng.nextGaussian())
                    }
                    labels.append(Int32(mode / spec.modesPerClass))
                    modes.append(mode)
                }
            }
            return (
                LabeledData(features: features, labels: labels, dimension: spec.dimension, classCount: spec.classCount),
                modes
            )
        }
        let train = examples(common: spec.commonModeSize, rare: spec.rareModeSize)
        let test = examples(common: spec.commonTestSize, rare: spec.rareTestSize)
        let clean = DatasetSplits(source: "synthetic", train: train.data, test: test.data)

        var duplicateRNG = CounterRNG(key: seed, stream: RandomStream.syntheticData, counter: duplicatesCounter)
        let (planted, pairs) = clean.plantingDuplicates(count: spec.duplicates, rng: &duplicateRNG)

        var noiseRNG = CounterRNG(key: seed, stream: RandomStream.syntheticData, counter: labelNoiseCounter)
        let generated = train.data.count
        let (noisy, flipped) = LabelNoise.plant(
            in: Array(planted.train.labels.prefix(generated)), fraction: spec.labelNoise,
            classCount: spec.classCount, rng: &noiseRNG)
        let splits = DatasetSplits(
            source: "synthetic", train: planted.train.relabeled(noisy + planted.train.labels.dropFirst(generated)),
            test: planted.test)
        return SyntheticDataset(
            spec: spec, seed: seed, splits: splits, trainModes: train.modes + pairs.map { test.modes[$0.test] },
            testModes: test.modes, duplicatePairs: pairs, flippedIndices: flipped,
            originalTrainLabels: planted.train.labels)
    }
}

extension SyntheticDataset {
    /// What was planted, renumbered for a prepared selection of the examples: training example k is
    /// generated example `trainSourceIndices[k]`, test example k is `testSourceIndices[k]`.
    public func groundTruth(trainSourceIndices: [Int], testSourceIndices: [Int]) -> GroundTruth {
        var trainPosition: [Int: Int] = [:]
        for (position, source) in trainSourceIndices.enumerated() { trainPosition[source] = position }
        var testPosition: [Int: Int] = [:]
        for (position, source) in testSourceIndices.enumerated() { testPosition[source] = position }
        let duplicates = duplicatePairs.compactMap { pair -> DuplicatePair? in
            guard let train = trainPosition[pair.train], let test = testPosition[pair.test] else { return nil }
            return DuplicatePair(train: train, test: test, label: pair.label, originalLabel: pair.originalLabel)
        }
        return GroundTruth(
            trainModes: trainSourceIndices.map { trainModes[$0] }, testModes: testSourceIndices.map { testModes[$0] },
            modesPerClass: spec.modesPerClass, commonModesPerClass: spec.commonModesPerClass,
            duplicates: duplicates.sorted { $0.test < $1.test })
    }
}
