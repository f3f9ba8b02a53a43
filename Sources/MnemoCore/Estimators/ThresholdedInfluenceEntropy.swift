import MnemoLinalg

/// Influence entropy after a significance threshold, with quantile buckets: a scheme of its own, never
/// mixed with ``RawInfluenceEntropy``'s.
///
/// Every influence with `|infl| < z·SE` is set to zero before the entropy is taken: without this, estimation
/// noise spreads influence over every training example and makes every entropy high (as measured against a
/// PyTorch reference run of the estimator).
///
/// Buckets, 1 = lowest entropy … `quantiles.count + 2`: the examples with no significant influence at all go to
/// the last bucket; the others are split at the given quantiles of their entropies (pooled over classes,
/// NumPy's linear interpolation), an entropy equal to a cut going to the lower bucket. The default quantiles
/// are the quartiles 0.25, 0.5, 0.75, which gives five buckets: 1–4 the entropy quartiles of the examples
/// with a significant influencer, 5 the examples without one.
public struct ThresholdedInfluenceEntropy: Sendable, Equatable {
    /// The significance multiplier: influences below `z·SE` in magnitude were zeroed.
    public let z: Double
    /// The entropy of every test example.
    public let entropy: InfluenceEntropy

    /// The thresholded influence entropy of a trial's test examples over its same-class blocks.
    public init(_ accumulator: InfluenceAccumulator, z: Double = 2) {
        self.init(blocks: accumulator.influenceBlocks(), testCount: accumulator.partition.testCount, z: z)
    }

    /// The thresholded influence entropy of `testCount` test examples over same-class blocks already built.
    public init(blocks: [InfluenceMatrix], testCount: Int, z: Double = 2) {
        self.init(
            influences: InfluenceEntropy.sameClassColumns(of: blocks, testCount: testCount) { $0.values[$1, $2] },
            standardErrors: InfluenceEntropy.sameClassColumns(of: blocks, testCount: testCount) {
                $0.standardError(row: $1, column: $2)
            },
            z: z)
    }

    /// The thresholded influence entropy of test examples given their same-class influence vectors S_j and the
    /// matching standard errors.
    public init(influences: [[Double]], standardErrors: [[Double]], z: Double = 2) {
        precondition(influences.map(\.count) == standardErrors.map(\.count), "one standard error per influence")
        self.z = z
        let kept = zip(influences, standardErrors).map { values, errors in
            zip(values, errors).map { abs($0) < z * $1 ? 0 : $0 }
        }
        entropy = InfluenceEntropy(influences: kept)
    }

    /// The bucket (1…`quantiles.count + 2`) of every test example.
    ///
    /// - Parameter quantiles: ascending probabilities in (0, 1) at which the entropies are cut.
    public func buckets(quantiles: [Double] = [0.25, 0.5, 0.75]) -> [Int] {
        precondition(
            quantiles == quantiles.sorted() && quantiles.allSatisfy { $0 > 0 && $0 < 1 },
            "quantiles must ascend within (0, 1)")
        let significant = entropy.values.indices.filter { !entropy.isAllZero[$0] }
        let sorted = significant.map { entropy.values[$0] }.sorted()
        let cuts = quantiles.map { Descriptive.quantile(sorted: sorted, $0) }
        var buckets = [Int](repeating: quantiles.count + 2, count: entropy.values.count)
        for j in significant {
            buckets[j] = 1 + cuts.count { entropy.values[j] > $0 }
        }
        return buckets
    }
}
