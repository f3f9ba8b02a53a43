/// Training-time image augmentation, as torchvision's `RandomCrop(size, padding)` followed by
/// `RandomHorizontalFlip()`: each training image of each batch is shifted by a uniform (dy, dx) in
/// [−padding, padding]² with zero fill, then mirrored left–right with probability ½ if `flip`.
/// Draws come from the run's seed, per epoch. Needs the CNN's input shape.
///
/// Encoded as `{"padding": 4, "flip": true}`.
public struct ImageAugmentation: Codable, Sendable, Hashable {
    /// Largest shift in pixels (4 for CIFAR).
    public var padding: Int
    /// Whether to mirror half of the images.
    public var flip: Bool

    /// Random shifts of up to `padding` pixels and, if `flip`, random horizontal flips.
    public init(padding: Int = 4, flip: Bool = true) {
        self.padding = padding
        self.flip = flip
    }

    func validate(convolution: ConvolutionSpec?) throws(TrainingError) {
        guard padding >= 0 else {
            throw .invalidConfiguration(field: "augmentation.padding", problem: "\(padding) is negative")
        }
        guard convolution != nil else {
            throw .invalidConfiguration(
                field: "augmentation", problem: "image augmentation needs the image shape of a convolution section")
        }
    }
}
