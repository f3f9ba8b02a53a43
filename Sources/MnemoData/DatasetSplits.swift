/// The full train and test sets of a dataset as loaded from disk, before any selection or noise.
public struct DatasetSplits: Sendable, Equatable {
    /// Where the data came from (a folder path); names the source in errors.
    public let source: String
    /// All training examples, in file order.
    public let train: LabeledData
    /// All test examples, in file order.
    public let test: LabeledData

    /// Splits of one dataset; train and test must agree on dimension and class count.
    public init(source: String, train: LabeledData, test: LabeledData) {
        precondition(train.dimension == test.dimension, "train and test dimensions differ")
        precondition(train.classCount == test.classCount, "train and test class counts differ")
        self.source = source
        self.train = train
        self.test = test
    }
}
