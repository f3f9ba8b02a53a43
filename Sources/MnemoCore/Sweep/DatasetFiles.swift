/// The files of a `csv`, `npz` or `npy` dataset and how to read them; paths are absolute once parsed.
///
/// ```yaml
/// dataset:
///   name: npy
///   train: {features: x_train.npy, labels: y_train.npy}
///   test: {features: x_test.npy, labels: y_test.npy}
///   class_count: 10
/// ```
public struct DatasetFiles: Codable, Sendable, Equatable {
    /// `csv`, `npz`: the training file; `npy`: the training features.
    public var train: String
    /// `csv`, `npz`: the test file; `npy`: the test features.
    public var test: String
    /// `npy`: the training labels; nil otherwise.
    public var trainLabels: String?
    /// `npy`: the test labels; nil otherwise.
    public var testLabels: String?
    /// Labels lie in `labelBase..<(labelBase + classCount)` (or are one-hot rows of this width).
    public var classCount: Int
    /// The smallest label in the files (1 for files that count classes from 1).
    public var labelBase: Int
    /// `csv`: the field separator, one ASCII character; nil otherwise.
    public var delimiter: String?
    /// `csv`: whether the first line names the columns (and is skipped); nil otherwise.
    public var header: Bool?
    /// `csv`: which field holds the label; nil otherwise.
    public var labelColumn: LabelColumn?

    public init(
        train: String, test: String, trainLabels: String? = nil, testLabels: String? = nil, classCount: Int,
        labelBase: Int = 0, delimiter: String? = nil, header: Bool? = nil, labelColumn: LabelColumn? = nil
    ) {
        self.train = train
        self.test = test
        self.trainLabels = trainLabels
        self.testLabels = testLabels
        self.classCount = classCount
        self.labelBase = labelBase
        self.delimiter = delimiter
        self.header = header
        self.labelColumn = labelColumn
    }
}
