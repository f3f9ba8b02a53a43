import Foundation

/// The likelihood-ratio attack of Carlini et al. 2022 ("Membership Inference Attacks From First
/// Principles"), on the logit-scaled confidence ``MembershipSignal/scaledLogit``, with the trial's other
/// runs as reference (shadow) models: for each example, those that trained on it give its IN
/// distribution, the others its OUT distribution, each fitted by a Gaussian.
///
/// - Offline: how many OUT standard deviations the target's statistic lies above the OUT mean,
///   `(φ − μ_out) / σ_out`: the paper's one-sided test, ranked exactly as its p-value is (without the
///   p-value's saturation at 1; the authors' released code scores the two-sided `−log N(φ; μ_out, σ_out)`
///   instead).
/// - Online: the log-likelihood ratio `log N(φ; μ_in, σ_in) − log N(φ; μ_out, σ_out)`.
///
/// Means are per example; an example without reference runs on a side takes the mean of that side over
/// all examples. Variances follow ``Variance``; every variance is at least ``varianceFloor``.
public enum LiRA {
    /// Whose variance a Gaussian takes.
    public enum Variance: String, Sendable {
        /// Each example's own (the global variance where it has fewer than two values on a side).
        case perExample = "per_example"
        /// One per side for all examples, pooled from each example's deviations from its own mean: the
        /// paper's "fixed variance", better with few reference models.
        case global
    }

    /// Below this many reference runs, ``variance(referenceRuns:)`` picks ``Variance/global`` (the paper
    /// finds the fixed variance better below 64 shadow models).
    public static let perExampleFrom = 64

    /// No variance is smaller, so identical reference statistics do not divide by zero.
    public static let varianceFloor = 1e-12

    /// The variance rule for `referenceRuns` reference runs.
    public static func variance(referenceRuns: Int) -> Variance {
        referenceRuns < perExampleFrom ? .global : .perExample
    }

    /// Offline scores of the target's statistics `target` (one per example).
    public static func offlineScores(target: [Double], references: ReferenceStatistics, variance: Variance) -> [Double] {
        let out = Gaussians(references.outside, variance: variance)
        return target.indices.map { i in (target[i] - out.mean(i)) / out.variance(i).squareRoot() }
    }

    /// Online scores of the target's statistics `target` (one per example).
    public static func onlineScores(target: [Double], references: ReferenceStatistics, variance: Variance) -> [Double] {
        let inside = Gaussians(references.inside, variance: variance)
        let out = Gaussians(references.outside, variance: variance)
        return target.indices.map { i in inside.logDensity(target[i], at: i) - out.logDensity(target[i], at: i) }
    }

    /// The fitted Gaussians of one side.
    struct Gaussians {
        let side: ReferenceStatistics.Side
        let rule: Variance
        let pooledMean: Double
        let pooledVariance: Double

        init(_ side: ReferenceStatistics.Side, variance rule: Variance) {
            self.side = side
            self.rule = rule
            pooledMean = side.pooledMean
            pooledVariance = max(side.pooledVariance.isNaN ? 1 : side.pooledVariance, LiRA.varianceFloor)
        }

        func mean(_ i: Int) -> Double { side.counts[i] > 0 ? side.means[i] : pooledMean }

        func variance(_ i: Int) -> Double {
            guard rule == .perExample, let own = side.variance(at: i) else { return pooledVariance }
            return max(own, LiRA.varianceFloor)
        }

        func logDensity(_ x: Double, at i: Int) -> Double {
            let v = variance(i)
            let d = x - mean(i)
            return -0.5 * d * d / v - 0.5 * Foundation.log(2 * Double.pi * v)
        }
    }
}
