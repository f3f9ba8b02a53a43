/// The offline robust membership-inference attack of Zarifzadeh et al. 2024 ("Low-Cost High-Power
/// Membership Inference Attacks"), on the label's probability ``MembershipSignal/confidence``.
///
/// For an example x, `ratio(x) = Pr(x | θ) / Pr(x)`: the target's `p_y(x)` over its average over
/// reference models, which offline (reference runs that trained on x are not used) is approximated
/// from the OUT runs' mean as `Pr(x) = ((1 + a) · mean_OUT + (1 − a)) / 2` (the paper's linear
/// approximation; ``defaultA`` = 0.3, not tuned here). An example that every reference run trained on
/// takes the mean of them all. The population samples z are the test examples (never trained on by any
/// run), with the same formula; the score of x is the fraction of z with `ratio(x) / ratio(z) > γ`
/// (``defaultGamma`` = 1), in [0, 1].
public enum RMIA {
    /// The offline interpolation parameter a.
    public static let defaultA = 0.3
    /// The likelihood-ratio threshold γ against each population sample.
    public static let defaultGamma = 1.0

    /// Scores of the training examples.
    ///
    /// - Parameters:
    ///   - target: the target's `p_y` of every training example.
    ///   - references: the reference runs' `p_y` of the training examples, by IN/OUT.
    ///   - populationTarget: the target's `p_y` of every population sample z (at least one).
    ///   - populationReferences: the reference runs' `p_y` of the population samples (all OUT).
    public static func scores(
        target: [Double], references: ReferenceStatistics, populationTarget: [Double],
        populationReferences: ReferenceStatistics, a: Double = defaultA, gamma: Double = defaultGamma
    ) -> [Double] {
        precondition(!populationTarget.isEmpty, "RMIA needs population samples")
        let populationRatios = ratios(populationTarget, populationReferences, a: a).sorted()
        return ratios(target, references, a: a).map { ratio in
            // ratio(x) / ratio(z) > γ ⇔ ratio(z) < ratio(x) / γ (ratios are not negative).
            Double(countBelow(ratio / gamma, in: populationRatios)) / Double(populationRatios.count)
        }
    }

    /// `Pr(x | θ) / Pr(x)` of each example.
    static func ratios(_ target: [Double], _ references: ReferenceStatistics, a: Double) -> [Double] {
        target.indices.map { i in
            let out = references.outside.counts[i] > 0 ? references.outside.means[i] : references.inside.means[i]
            return target[i] / (((1 + a) * out + (1 - a)) / 2)
        }
    }

    /// How many of the ascending `sorted` are strictly below `value`.
    static func countBelow(_ value: Double, in sorted: [Double]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
