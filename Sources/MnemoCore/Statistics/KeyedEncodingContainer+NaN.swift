extension KeyedEncodingContainer {
    /// Encodes `value`, or null when it is NaN (an undefined figure: JSON has no NaN).
    public mutating func encodeNullingNaN(_ value: Double, forKey key: Key) throws {
        try encode(value.isNaN ? nil : value, forKey: key)
    }
}
