/// The range of a dataset's feature values, and whether it is far from the [0, 1] the engine's default
/// learning rates assume. Unscaled features (uint8 pixels in 0…255) make every run diverge; the
/// coordinator warns when the data is prepared and repeats it with the sweep's final line, and a
/// diverged run names the range as the likely cause. Such data is not refused: a sweep may mean it.
public struct FeatureScale: Sendable, Equatable, CustomStringConvertible {
    public let minimum: Float
    public let maximum: Float

    /// Features beyond ±`limit` count as far outside [0, 1].
    public static let limit: Float = 10

    /// The range of `data`'s features (0…0 for no examples).
    public init(_ data: LabeledData) {
        var low = Float.infinity
        var high = -Float.infinity
        for value in data.features {
            low = min(low, value)
            high = max(high, value)
        }
        minimum = data.features.isEmpty ? 0 : low
        maximum = data.features.isEmpty ? 0 : high
    }

    /// Whether the features reach far outside [0, 1] (or are not finite).
    public var isFarOutsideUnitRange: Bool {
        !(minimum >= -Self.limit && maximum <= Self.limit)
    }

    public var description: String { "features range from \(minimum) to \(maximum)" }

    /// The warning to give, or nil when the range is ordinary.
    public var warning: String? {
        guard isFarOutsideUnitRange else { return nil }
        return "\(self), far outside [0, 1]: training is likely to diverge; rescale them (for 8-bit pixels, "
            + "divide by 255) or lower the learning rate"
    }
}
