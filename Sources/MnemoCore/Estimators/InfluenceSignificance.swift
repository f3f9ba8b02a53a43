import Foundation
import MnemoLinalg

/// Benjamini–Hochberg false-discovery control over a trial's influence estimates: with thousands of
/// test examples and hundreds of training examples each, "infl > 2·SE" alone calls thousands of pairs
/// significant by chance.
///
/// Each pair with an estimate gets the one-sided p-value of `infl > 0` under the normal approximation,
/// `p = ½·erfc(z/√2)` with `z = infl / SE`. Its q-value is the smallest false-discovery rate at which the
/// Benjamini–Hochberg procedure (1995) over all m pairs calls it a discovery:
/// `q_(k) = min_{j ≥ k} m·p_(j)/j` with the p-values sorted ascending. Pairs with `q ≤ α` are the
/// discoveries at rate α.
///
/// ```swift
/// let significance = InfluenceSignificance(blocks: accumulator.influenceBlocks())
/// let q = significance.qValue(pValue: InfluenceSignificance.pValue(influence: 0.4, standardError: 0.1))
/// ```
public struct InfluenceSignificance: Sendable, Equatable {
    /// m: the pairs with an estimate.
    public var pairCount: Int { sortedPValues.count }
    /// The p-values of every pair, ascending.
    private let sortedPValues: [Double]
    /// `qValues[k]`: the q-value of the pair of rank k (0-based) in ``sortedPValues``.
    private let qValues: [Double]

    /// The significance of every estimate in `blocks` (NaN estimates are left out).
    public init(blocks: [InfluenceMatrix]) {
        var pValues: [Double] = []
        pValues.reserveCapacity(blocks.reduce(0) { $0 + $1.trainIndices.count * $1.testIndices.count })
        for block in blocks {
            for row in 0..<block.trainIndices.count {
                for column in 0..<block.testIndices.count {
                    let value = block.values[row, column]
                    guard !value.isNaN else { continue }
                    pValues.append(Self.pValue(influence: value, standardError: block.standardError(row: row, column: column)))
                }
            }
        }
        self.init(pValues: pValues)
    }

    /// The procedure over the given p-values.
    public init(pValues: [Double]) {
        sortedPValues = pValues.sorted()
        let m = Double(sortedPValues.count)
        var q = [Double](repeating: 1, count: sortedPValues.count)
        var running = 1.0
        for k in sortedPValues.indices.reversed() {
            running = min(running, m * sortedPValues[k] / Double(k + 1))
            q[k] = running
        }
        qValues = q
    }

    /// The one-sided p-value of a positive influence: `½·erfc(z/√2)`, z = influence / SE.
    public static func pValue(influence: Double, standardError: Double) -> Double {
        0.5 * erfc(influence / standardError / 2.0.squareRoot())
    }

    /// The q-value of a pair with p-value `p` (one of this procedure's): the q-value of the largest rank
    /// whose p-value is `p` (tied p-values share one q-value).
    public func qValue(pValue p: Double) -> Double {
        guard !p.isNaN else { return .nan }
        var low = 0
        var high = sortedPValues.count
        while low < high {
            let middle = (low + high) / 2
            if sortedPValues[middle] <= p { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? min(1, Double(pairCount) * p) : qValues[low - 1]
    }

    /// The q-value of an influence estimate.
    public func qValue(influence: Double, standardError: Double) -> Double {
        influence.isNaN ? .nan : qValue(pValue: Self.pValue(influence: influence, standardError: standardError))
    }

    /// How many pairs are discoveries at false-discovery rate `rate`.
    public func discoveries(at rate: Double) -> Int {
        qValues.count { $0 <= rate }
    }
}
