/// The convolutional trunk of a small CNN (see ``TrainingConfig/convolution``).
///
/// Each entry of `channels` is a 3 × 3 convolution (stride 1, padding 1) with ReLU; a 2 × 2
/// max-pool sits between consecutive convolutions and the ``Readout`` follows the last, so
/// `[32, 64, 128]` on 28 × 28 images computes 32 maps of 28 × 28, 64 of 14 × 14 and 128 of 7 × 7,
/// averaged into 128 features for the dense head. Encoded as
/// `{"input_shape": [1, 28, 28], "channels": [32, 64, 128]}`, plus `"readout": "flatten"` for
/// the flattening readout (the global average is the default and is not written).
public struct ConvolutionSpec: Codable, Sendable, Hashable {
    /// How the dense head reads the last convolution's maps.
    public enum Readout: String, Codable, Sendable, CaseIterable {
        /// A global average pool: one feature per channel, whatever the image size.
        case globalAverage = "global_average"
        /// A 2 × 2 max-pool after the last convolution too, then every value of the pooled maps
        /// (channels × height/2ᵏ × width/2ᵏ features, k the number of convolutions) feeds the head:
        /// more parameters in the head, but a much better accuracy for its cost on small images.
        case flatten
    }

    /// The shape of each example (channels first); its size must equal the data's dimension.
    public var inputShape: ImageShape
    /// Output channels of each convolution.
    public var channels: [Int]
    /// How the dense head reads the last maps.
    public var readout: Readout

    /// A trunk of convolutions with `channels` outputs over images of `inputShape`.
    public init(inputShape: ImageShape, channels: [Int], readout: Readout = .globalAverage) {
        self.inputShape = inputShape
        self.channels = channels
        self.readout = readout
    }

    /// Max-pools in the trunk: between consecutive convolutions, and after the last one when flattening.
    var poolCount: Int { channels.count - 1 + (readout == .flatten ? 1 : 0) }

    /// Decodes `input_shape`, `channels` and the optional `readout`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        inputShape = try container.decode(ImageShape.self, forKey: .inputShape)
        channels = try container.decode([Int].self, forKey: .channels)
        let name = try container.decodeIfPresent(String.self, forKey: .readout) ?? Readout.globalAverage.rawValue
        guard let readout = Readout(rawValue: name) else {
            throw DecodingError.dataCorruptedError(
                forKey: .readout, in: container,
                debugDescription: "expected one of \(Readout.allCases.map(\.rawValue)), found \"\(name)\"")
        }
        self.readout = readout
    }

    /// Encodes `input_shape`, `channels` and, unless it is the global average, `readout`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(inputShape, forKey: .inputShape)
        try container.encode(channels, forKey: .channels)
        if readout != .globalAverage { try container.encode(readout, forKey: .readout) }
    }

    /// Checks the shapes: positive sizes, at least one convolution, images large enough for the pools.
    func validate() throws(TrainingError) {
        let shape = inputShape
        guard shape.channels >= 1, shape.height >= 1, shape.width >= 1 else {
            throw .invalidConfiguration(field: "convolution.input_shape", problem: "\(shape) has an empty dimension")
        }
        guard !channels.isEmpty, channels.allSatisfy({ $0 >= 1 }) else {
            throw .invalidConfiguration(
                field: "convolution.channels", problem: "\(channels) is not a non-empty list of positive integers")
        }
        let pools = poolCount
        guard shape.height >> pools >= 1, shape.width >> pools >= 1 else {
            throw .invalidConfiguration(
                field: "convolution.channels",
                problem: "\(pools) max-pools do not fit \(shape.height) × \(shape.width) images")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case inputShape = "input_shape"
        case channels
        case readout
    }
}
