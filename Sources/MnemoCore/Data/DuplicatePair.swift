/// A planted memorization pair: a test example copied into the training set, both copies given the
/// same atypical label, so that the training copy is the only evidence for the test copy's label.
public struct DuplicatePair: Sendable, Equatable, Hashable, Codable {
    /// Index of the training copy.
    public let train: Int
    /// Index of the test example.
    public let test: Int
    /// The label both copies carry now.
    public let label: Int32
    /// The test example's label before planting.
    public let originalLabel: Int32

    /// A pair.
    public init(train: Int, test: Int, label: Int32, originalLabel: Int32) {
        self.train = train
        self.test = test
        self.label = label
        self.originalLabel = originalLabel
    }
}
