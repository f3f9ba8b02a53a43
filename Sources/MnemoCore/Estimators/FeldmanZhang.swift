/// The Feldman–Zhang subsampled estimator of one score and its standard error (Feldman & Zhang 2020, "What Neural Networks Memorize and Why", eq. 3).
///
/// Memorization of i and influence of i on j are both `mean(correct | in) − mean(correct | out)`, over the
/// runs whose subset contains i ("in") and those that do not ("out"); they differ only in whose correctness
/// is counted (i's own for memorization, j's for influence).
public enum FeldmanZhang {
    /// `inCorrect / inCount − outCorrect / outCount`; NaN when either count is zero.
    ///
    /// - Parameters:
    ///   - inCorrect: correct predictions over the runs that trained on the example.
    ///   - inCount: the number of those runs.
    ///   - outCorrect: correct predictions over the runs that did not.
    ///   - outCount: the number of those runs.
    @inlinable
    public static func estimate(inCorrect: Double, inCount: Double, outCorrect: Double, outCount: Double) -> Double {
        guard inCount > 0, outCount > 0 else { return .nan }
        return inCorrect / inCount - outCorrect / outCount
    }

    /// `sqrt(p̃_in(1 − p̃_in)/inCount + p̃_out(1 − p̃_out)/outCount)` with `p̃ = (k + 1)/(n + 2)`, which stays
    /// positive when every run was right or every run was wrong; NaN when either count is zero.
    @inlinable
    public static func standardError(inCorrect: Double, inCount: Double, outCorrect: Double, outCount: Double)
        -> Double
    {
        guard inCount > 0, outCount > 0 else { return .nan }
        let pIn = smoothedRate(correct: inCorrect, count: inCount)
        let pOut = smoothedRate(correct: outCorrect, count: outCount)
        return (pIn * (1 - pIn) / inCount + pOut * (1 - pOut) / outCount).squareRoot()
    }

    /// `(k + 1)/(n + 2)`: the rate of k successes in n trials, pulled towards 1/2.
    @inlinable
    public static func smoothedRate(correct: Double, count: Double) -> Double {
        (correct + 1) / (count + 2)
    }
}
