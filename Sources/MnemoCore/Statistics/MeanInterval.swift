/// The mean of a sample with its standard error and a two-sided confidence interval from Student's t
/// (n − 1 degrees of freedom): what per-bucket accuracies and paired differences are reported as.
public struct MeanInterval: Codable, Sendable, Equatable {
    /// The sample size.
    public var count: Int
    public var mean: Double
    /// `sd / √n` with the unbiased sample deviation; NaN below two values.
    public var standardError: Double
    /// The interval's bounds; NaN below two values.
    public var low: Double
    public var high: Double

    enum CodingKeys: String, CodingKey {
        case count, mean, low, high
        case standardError = "se"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        count = try container.decode(Int.self, forKey: .count)
        mean = try container.decodeIfPresent(Double.self, forKey: .mean) ?? .nan
        standardError = try container.decodeIfPresent(Double.self, forKey: .standardError) ?? .nan
        low = try container.decodeIfPresent(Double.self, forKey: .low) ?? .nan
        high = try container.decodeIfPresent(Double.self, forKey: .high) ?? .nan
    }

    /// Undefined figures (NaN) are encoded as null: JSON has no NaN.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(count, forKey: .count)
        for (value, key) in [(mean, CodingKeys.mean), (standardError, .standardError), (low, .low), (high, .high)] {
            try container.encodeNullingNaN(value, forKey: key)
        }
    }

    /// The confidence level of every interval Mnemo reports.
    public static let level = 0.95

    /// The mean of `values` and its 95% interval.
    public init(of values: [Double]) {
        count = values.count
        mean = Descriptive.mean(values)
        guard values.count >= 2 else {
            (standardError, low, high) = (.nan, .nan, .nan)
            return
        }
        standardError = Descriptive.standardDeviation(values, ddof: 1) / Double(values.count).squareRoot()
        let t = StudentT.quantile(0.5 + Self.level / 2, degreesOfFreedom: Double(values.count - 1))
        low = mean - t * standardError
        high = mean + t * standardError
    }

    /// Whether the interval leaves out zero (the difference it describes is significant at its level).
    public var excludesZero: Bool { low > 0 || high < 0 }
}
