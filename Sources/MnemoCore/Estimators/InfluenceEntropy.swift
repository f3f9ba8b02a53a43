import Foundation

/// Influence entropy of every test example (SAM paper eq. 3): how evenly its same-class training examples
/// share the influence on it. Low entropy: a few training examples carry it (memorization).
///
/// For test example j of class c, with S_j the influences of the N_c training examples of class c on j,
/// `p_i = |S_j[i]| / Σ|S_j|` and `I_ent[j] = −Σ p_i ln p_i` (natural log). Undefined (NaN) influences count as
/// zero. When every influence is zero the entropy is the maximum, ln(N_c) (0 for a class without training
/// examples), and the example is flagged all-zero: the buckets put it apart.
///
/// This type only holds the numbers; ``RawInfluenceEntropy`` and ``ThresholdedInfluenceEntropy`` say which
/// influences they came from and bucket them by their own, separate schemes.
public struct InfluenceEntropy: Sendable, Equatable {
    /// `values[j]`: the entropy of test example j, in nats.
    public let values: [Double]
    /// `isAllZero[j]`: every influence on test example j was zero (or undefined).
    public let isAllZero: [Bool]
    /// `maxima[j]`: ln(N_c) for test example j's class, the largest entropy it can have.
    public let maxima: [Double]

    /// The entropies of test examples given their influence vectors.
    ///
    /// - Parameter influences: `influences[j]` = S_j, the influences of the training examples of j's class on j.
    public init(influences: [[Double]]) {
        values = influences.map(Self.entropy(of:))
        isAllZero = influences.map { column in column.allSatisfy { $0 == 0 || $0.isNaN } }
        maxima = influences.map { Self.maximum(count: $0.count) }
    }

    /// `−Σ p_i ln p_i` with `p_i = |x_i| / Σ|x|`; NaN entries count as zero; ln(count) when all are zero.
    public static func entropy(of influences: [Double]) -> Double {
        var total = 0.0
        for x in influences where !x.isNaN { total += abs(x) }
        guard total > 0 else { return maximum(count: influences.count) }
        var entropy = 0.0
        for x in influences where !x.isNaN && x != 0 {
            let p = abs(x) / total
            entropy -= p * Foundation.log(p)
        }
        return entropy
    }

    /// ln(count), or 0 when there is nothing to spread influence over.
    static func maximum(count: Int) -> Double {
        Foundation.log(Double(max(count, 1)))
    }

    /// One vector per test example, over the rows of its class block: `entry(block, row, column)` for each row
    /// of the block column that holds the test example (its S_j, or the matching standard errors).
    static func sameClassColumns(
        of blocks: [InfluenceMatrix], testCount: Int, _ entry: (InfluenceMatrix, Int, Int) -> Double
    ) -> [[Double]] {
        var columns = [[Double]](repeating: [], count: testCount)
        for block in blocks {
            for (column, test) in block.testIndices.enumerated() {
                columns[test] = block.trainIndices.indices.map { entry(block, $0, column) }
            }
        }
        return columns
    }
}
