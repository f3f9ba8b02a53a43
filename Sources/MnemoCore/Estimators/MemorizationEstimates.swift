/// Feldman–Zhang memorization of every training example with its standard error.
public struct MemorizationEstimates: Sendable, Equatable {
    /// `values[i]` = mem[i] = mean(correct on i | i in subset) − mean(correct on i | i not in subset);
    /// NaN where i was in every run or in none.
    public let values: [Double]
    /// `standardErrors[i]`: the standard error of `values[i]`, as
    /// ``FeldmanZhang/standardError(inCorrect:inCount:outCorrect:outCount:)`` defines it.
    public let standardErrors: [Double]

    /// Estimates from their parts; `values` and `standardErrors` have one entry per training example.
    public init(values: [Double], standardErrors: [Double]) {
        precondition(values.count == standardErrors.count, "one standard error per value")
        self.values = values
        self.standardErrors = standardErrors
    }
}
