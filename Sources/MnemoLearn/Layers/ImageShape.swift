/// The shape of one image, stored channels first: `channels × height × width` floats, row-major
/// within each channel (the layout of CIFAR's binary batches; Fashion-MNIST has one channel).
///
/// Encoded as `[channels, height, width]`.
public struct ImageShape: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Colour channels (1 for grey, 3 for RGB).
    public var channels: Int
    /// Rows of pixels.
    public var height: Int
    /// Columns of pixels.
    public var width: Int

    /// A `channels × height × width` shape.
    public init(channels: Int, height: Int, width: Int) {
        self.channels = channels
        self.height = height
        self.width = width
    }

    /// Floats per image.
    public var count: Int { channels * height * width }

    public var description: String { "\(channels)×\(height)×\(width)" }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        channels = try container.decode(Int.self)
        height = try container.decode(Int.self)
        width = try container.decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(contentsOf: [channels, height, width])
    }
}
