import MnemoLinalg

/// The SAM paper's influence entropy, on raw influence estimates, with its five buckets (App. C.1).
///
/// Buckets, 1 = lowest entropy (most memorization) … 5:
/// - 5: every influence on the example is zero;
/// - 4: entropy above a threshold (the paper's 6.1 with N_c = 500, i.e. about ln(N_c) − 0.1);
/// - the rest by the mean μ and population standard deviation σ of their entropies (pooled over classes):
///   1 below μ − kσ, 3 above μ + kσ, 2 in between (bounds inclusive).
///
/// Buckets are computed once, on a reference trial, and every trial is then scored per bucket.
public struct RawInfluenceEntropy: Sendable, Equatable {
    /// Where bucket 4 starts.
    public enum Threshold: Sendable, Equatable {
        /// Per class: ln(N_c) minus this margin (the default, 0.1, matches the paper's 6.1 for N_c = 500).
        case belowMaximum(Double)
        /// The same value for every class.
        case absolute(Double)

        /// The threshold for a test example whose class allows entropies up to `maximum` (ln N_c).
        public func value(maximum: Double) -> Double {
            switch self {
            case .belowMaximum(let margin): maximum - margin
            case .absolute(let value): value
            }
        }
    }

    /// The entropy of every test example.
    public let entropy: InfluenceEntropy

    /// The raw influence entropy of a trial's test examples over its same-class blocks.
    public init(_ accumulator: InfluenceAccumulator) {
        self.init(blocks: accumulator.influenceBlocks(), testCount: accumulator.partition.testCount)
    }

    /// The raw influence entropy of `testCount` test examples over same-class blocks already built.
    public init(blocks: [InfluenceMatrix], testCount: Int) {
        self.init(influences: InfluenceEntropy.sameClassColumns(of: blocks, testCount: testCount) { $0.values[$1, $2] })
    }

    /// The raw influence entropy of test examples given their same-class influence vectors S_j.
    public init(influences: [[Double]]) {
        entropy = InfluenceEntropy(influences: influences)
    }

    /// The bucket (1…5) of every test example.
    ///
    /// - Parameters:
    ///   - threshold: entropies above it go to bucket 4.
    ///   - k: the half-width of bucket 2 in standard deviations.
    public func buckets(threshold: Threshold = .belowMaximum(0.1), k: Double = 0.5) -> [Int] {
        var buckets = [Int](repeating: 0, count: entropy.values.count)
        var rest = [Int]()
        for j in buckets.indices {
            if entropy.isAllZero[j] {
                buckets[j] = 5
            } else if entropy.values[j] > threshold.value(maximum: entropy.maxima[j]) {
                buckets[j] = 4
            } else {
                rest.append(j)
            }
        }
        let restValues = rest.map { entropy.values[$0] }
        let mu = Descriptive.mean(restValues)
        let sigma = Descriptive.standardDeviation(restValues)
        for j in rest {
            let value = entropy.values[j]
            buckets[j] = value < mu - k * sigma ? 1 : value > mu + k * sigma ? 3 : 2
        }
        return buckets
    }
}
