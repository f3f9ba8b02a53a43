import MnemoCore

/// Everything `mnemo scores`, `mnemo export` and the end-of-run headline show for one trial, derived
/// from a ``TrialAnalysis``: influence blocks, entropies with buckets, top pairs and summary figures.
public struct TrialScores: Sendable {
    public let analysis: TrialAnalysis
    /// Same-class influence blocks, one per class.
    public let blocks: [InfluenceMatrix]
    /// Per test example: raw influence entropy (SAM paper eq. 3) and its bucket 1…5.
    public let rawEntropy: RawInfluenceEntropy
    public let rawBuckets: [Int]
    /// Per test example: entropy of significance-thresholded influence and its quantile bucket.
    public let thresholdedEntropy: ThresholdedInfluenceEntropy
    public let thresholdedBuckets: [Int]

    /// z of the significance threshold used for the thresholded entropy and for "significant" pairs.
    public static let significanceZ = 2.0

    public init(_ analysis: TrialAnalysis) {
        self.analysis = analysis
        blocks = analysis.accumulator.influenceBlocks()
        let testCount = analysis.accumulator.partition.testCount
        rawEntropy = RawInfluenceEntropy(blocks: blocks, testCount: testCount)
        rawBuckets = rawEntropy.buckets()
        thresholdedEntropy = ThresholdedInfluenceEntropy(blocks: blocks, testCount: testCount, z: Self.significanceZ)
        thresholdedBuckets = thresholdedEntropy.buckets()
    }

    /// The false-discovery rate at which influence pairs are reported as discoveries.
    public static let falseDiscoveryRate = 0.05

    /// Benjamini–Hochberg control over every same-class influence estimate: built on demand (three
    /// arrays over all same-class pairs), once per report that shows q-values.
    public func significance() -> InfluenceSignificance {
        InfluenceSignificance(blocks: blocks)
    }

    /// The `count` training examples of its class with the largest influence on each test example, largest
    /// first (NaN estimates skipped).
    public func topInfluencers(_ count: Int) -> [[InfluencePair]] {
        var result = [[InfluencePair]](repeating: [], count: analysis.dataset.testLabels.count)
        for block in blocks {
            for test in block.testIndices {
                result[test] = InfluencePair.top(in: block, test: test, count: count)
            }
        }
        return result
    }

    /// The standard error above which `scores` leaves an estimate out of its top lists: with few runs a
    /// "most memorized" 1.000 ± 0.5 says nothing.
    public static let defaultMaximumSE = 0.25

    /// The `count` train examples with the highest memorization whose SE is at most `maximumSE`, and how
    /// many examples that would rank among them were left out for a larger SE.
    public func topMemorized(_ count: Int, maximumSE: Double = .infinity)
        -> (entries: [(index: Int, mem: Double, se: Double)], leftOut: Int)
    {
        let mem = analysis.memorization
        let ranked = mem.values.indices.filter { !mem.values[$0].isNaN }
            .sorted { mem.values[$0] > mem.values[$1] || (mem.values[$0] == mem.values[$1] && $0 < $1) }
        var entries: [(index: Int, mem: Double, se: Double)] = []
        var leftOut = 0
        for i in ranked where entries.count < count {
            if mem.standardErrors[i] <= maximumSE {
                entries.append((i, mem.values[i], mem.standardErrors[i]))
            } else {
                leftOut += 1
            }
        }
        return (entries, leftOut)
    }

    /// The `count` largest same-class influence pairs, optionally only significant ones (`infl > z·SE`)
    /// or those whose SE is at most `maximumSE`.
    public func topPairs(_ count: Int, significantOnly: Bool = false, maximumSE: Double? = nil) -> [InfluencePair] {
        InfluencePair.top(
            in: blocks, count: count, minimumZ: significantOnly ? Self.significanceZ : nil, maximumSE: maximumSE)
    }

    /// How many test examples fall in each raw-entropy bucket 1…5.
    public var bucketCounts: [Int] {
        (1...5).map { bucket in rawBuckets.filter { $0 == bucket }.count }
    }

    /// Test accuracy of this trial's runs per raw-entropy bucket (mean over runs), NaN for an empty bucket.
    public var bucketAccuracy: [Double] {
        let correct = analysis.accumulator.testCorrect
        let runs = Double(analysis.runs)
        return (1...5).map { bucket in
            let members = rawBuckets.indices.filter { rawBuckets[$0] == bucket }
            guard !members.isEmpty, runs > 0 else { return .nan }
            return members.reduce(0.0) { $0 + Double(correct[$1]) } / (runs * Double(members.count))
        }
    }
}
