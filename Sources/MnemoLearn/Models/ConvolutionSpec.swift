/// The convolutional trunk of a small CNN (see ``TrainingConfig/convolution``).
///
/// Each entry of `channels` is a 3 × 3 convolution (stride 1, padding 1) with ReLU; a 2 × 2
/// max-pool sits between consecutive convolutions and a global average pool follows the last, so
/// `[32, 64, 128]` on 28 × 28 images computes 32 maps of 28 × 28, 64 of 14 × 14 and 128 of 7 × 7,
/// averaged into 128 features for the dense head. Encoded as
/// `{"input_shape": [1, 28, 28], "channels": [32, 64, 128]}`.
public struct ConvolutionSpec: Codable, Sendable, Hashable {
    /// The shape of each example (channels first); its size must equal the data's dimension.
    public var inputShape: ImageShape
    /// Output channels of each convolution.
    public var channels: [Int]

    /// A trunk of convolutions with `channels` outputs over images of `inputShape`.
    public init(inputShape: ImageShape, channels: [Int]) {
        self.inputShape = inputShape
        self.channels = channels
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
        let pools = channels.count - 1
        guard shape.height >> pools >= 1, shape.width >> pools >= 1 else {
            throw .invalidConfiguration(
                field: "convolution.channels",
                problem: "\(pools) max-pools do not fit \(shape.height) × \(shape.width) images")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case inputShape = "input_shape"
        case channels
    }
}
