import Foundation

/// The float64 arithmetic that turns one example's stored outputs into membership signals, written so
/// that no precision is lost where probabilities approach 1 (Song & Mittal 2021, "Systematic Evaluation
/// of Privacy Risks of Machine Learning Models"; Carlini et al. 2022, "Membership Inference Attacks From
/// First Principles").
public enum SignalMath {
    /// Probabilities below this are read as it inside logarithms (as Song & Mittal's code does), so the
    /// modified entropy of a confident mistake stays finite.
    public static let logFloor = 1e-30

    /// What a stored loss of exactly 0 reads as: about the largest loss a float32 log-sum-exp rounds to
    /// 0 (the built-in engine's losses of confidently right examples are 0 or at least 2⁻²³). So the
    /// loss route of ``scaledLogit(loss:)`` gives such examples about 16.6; logits have no such limit.
    public static let smallestLoss = 0x1p-24

    /// `log Σ exp(values)`, computed around the largest value; −∞ for no values.
    public static func logSumExp(_ values: some Collection<Double>) -> Double {
        guard let largest = values.max(), largest.isFinite else { return values.max() ?? -.infinity }
        return largest + Foundation.log(values.reduce(0) { $0 + Foundation.exp($1 - largest) })
    }

    /// The softmax of one example's logits.
    public static func softmax(_ logits: [Double]) -> [Double] {
        let total = logSumExp(logits)
        return logits.map { Foundation.exp($0 - total) }
    }

    /// The cross-entropy of class `label`, `logsumexp(z) − z_y`; where the label's logit is the largest
    /// it is `log1p(Σ_{i≠y} exp(z_i − z_y))`, exact for losses near 0.
    public static func loss(logits: [Double], label: Int) -> Double {
        let labelLogit = logits[label]
        guard logits.allSatisfy({ $0 <= labelLogit }) else { return logSumExp(logits) - labelLogit }
        var others = 0.0
        for (i, value) in logits.enumerated() where i != label { others += Foundation.exp(value - labelLogit) }
        return Foundation.log1p(others)
    }

    /// LiRA's statistic from logits: `z_y − logsumexp_{i≠y} z_i = log(p_y / (1 − p_y))`.
    public static func scaledLogit(logits: [Double], label: Int) -> Double {
        logits[label] - logSumExp(logits.indices.lazy.filter { $0 != label }.map { logits[$0] })
    }

    /// LiRA's statistic from the label's cross-entropy ℓ: `p_y = e^−ℓ`, `1 − p_y = −expm1(−ℓ)`, so
    /// `log(p_y / (1 − p_y)) = −log(expm1(ℓ))`. A loss of 0 reads as ``smallestLoss``.
    public static func scaledLogit(loss: Double) -> Double {
        -Foundation.log(Foundation.expm1(loss > 0 ? loss : smallestLoss))
    }

    /// The entropy `−Σ p_i log p_i` (0 · log 0 = 0).
    public static func entropy(probabilities: [Double]) -> Double {
        -probabilities.reduce(0) { $0 + ($1 > 0 ? $1 * Foundation.log($1) : 0) }
    }

    /// Song & Mittal's modified entropy `−(1 − p_y) log p_y − Σ_{i≠y} p_i log(1 − p_i)`: low for a
    /// confident right prediction, high for a confident wrong one (unlike the entropy).
    public static func modifiedEntropy(probabilities: [Double], label: Int) -> Double {
        var total = -(1 - probabilities[label]) * Foundation.log(max(probabilities[label], logFloor))
        for (i, p) in probabilities.enumerated() where i != label {
            total -= p * Foundation.log(max(1 - p, logFloor))
        }
        return total
    }
}
