/// Summary statistics of samples of `Double`.
public enum Descriptive {
    /// The arithmetic mean; NaN for an empty sample.
    public static func mean(_ values: some Collection<Double>) -> Double {
        values.reduce(0, +) / Double(values.count)
    }

    /// The standard deviation `sqrt(Σ (x − mean)² / (count − ddof))`; NaN when `count ≤ ddof`.
    ///
    /// - Parameters:
    ///   - values: the sample.
    ///   - ddof: delta degrees of freedom: 0 for the population deviation (NumPy's default), 1 for the
    ///     unbiased sample variance.
    public static func standardDeviation(_ values: some Collection<Double>, ddof: Int = 0) -> Double {
        guard values.count > ddof else { return .nan }
        let center = mean(values)
        let squares = values.reduce(0) { $0 + ($1 - center) * ($1 - center) }
        return (squares / Double(values.count - ddof)).squareRoot()
    }

    /// The p-quantile of an ascending sample by linear interpolation between order statistics (NumPy's
    /// default method): position `p · (count − 1)`. NaN for an empty sample.
    ///
    /// - Parameters:
    ///   - sorted: the sample, sorted ascending.
    ///   - p: the probability in [0, 1].
    public static func quantile(sorted: [Double], _ p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "quantile probability \(p) outside [0, 1]")
        guard !sorted.isEmpty else { return .nan }
        let position = p * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
    }
}
