/// The record layout of a CIFAR binary batch: each record is `labelBytes` label bytes, then
/// 3 × 32 × 32 = 3,072 pixel bytes, the red plane, then green, then blue, each row-major (so the
/// pixels are already in CHW order).
///
/// - CIFAR-10 (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`): one label byte in 0...9.
/// - CIFAR-100 (`train.bin`, `test.bin`): a coarse label byte in 0...19, then a fine one in 0...99.
public struct CIFARLayout: Sendable, Equatable {
    /// Label bytes at the start of each record.
    public let labelBytes: Int
    /// Which of those bytes is the class used (0-based).
    public let labelIndex: Int
    /// The labels used lie in `0..<classCount`.
    public let classCount: Int

    /// Channels per image (red, green, blue).
    public static let channels = 3
    /// Rows and columns per image.
    public static let side = 32
    /// Pixel bytes per record.
    public static let pixelCount = channels * side * side

    /// CIFAR-10: one label byte, 10 classes.
    public static let cifar10 = CIFARLayout(labelBytes: 1, labelIndex: 0, classCount: 10)
    /// CIFAR-100 with its 100 fine labels (the second label byte).
    public static let cifar100Fine = CIFARLayout(labelBytes: 2, labelIndex: 1, classCount: 100)
    /// CIFAR-100 with its 20 coarse labels (superclasses; the first label byte).
    public static let cifar100Coarse = CIFARLayout(labelBytes: 2, labelIndex: 0, classCount: 20)

    /// A layout; `labelIndex` must lie in `0..<labelBytes`.
    public init(labelBytes: Int, labelIndex: Int, classCount: Int) {
        precondition(labelBytes >= 1 && (0..<labelBytes).contains(labelIndex), "label index outside the label bytes")
        precondition((1...256).contains(classCount), "a label byte holds at most 256 classes")
        self.labelBytes = labelBytes
        self.labelIndex = labelIndex
        self.classCount = classCount
    }

    /// Bytes per record.
    public var recordLength: Int { labelBytes + Self.pixelCount }
}
