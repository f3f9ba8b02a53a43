/// The training and test examples of each class: the rows and columns of the same-class influence blocks.
///
/// Class c's train indices (ascending) are the rows of its block, its test indices (ascending) the columns.
public struct ClassPartition: Sendable, Equatable {
    /// C, the number of classes; labels lie in `0..<classCount`.
    public let classCount: Int
    /// The label of every training example.
    public let trainLabels: [Int]
    /// The label of every test example.
    public let testLabels: [Int]
    /// `trainIndices[c]`: the training examples of class c, ascending.
    public let trainIndices: [[Int]]
    /// `testIndices[c]`: the test examples of class c, ascending.
    public let testIndices: [[Int]]

    /// Training examples sorted by class (then index): the column order of the membership rows fed to GEMM.
    let trainOrder: [Int]
    /// Test examples sorted by class (then index).
    let testOrder: [Int]
    /// `trainOffsets[c]`: where class c starts in `trainOrder`.
    let trainOffsets: [Int]
    /// `testOffsets[c]`: where class c starts in `testOrder`.
    let testOffsets: [Int]

    /// Groups the examples by label.
    ///
    /// - Throws: ``EstimatorError`` when `classCount` is not positive or a label is out of range.
    public init(trainLabels: [Int], testLabels: [Int], classCount: Int) throws(EstimatorError) {
        guard classCount > 0 else { throw .invalidClassCount(classCount) }
        self.classCount = classCount
        self.trainLabels = trainLabels
        self.testLabels = testLabels
        trainIndices = try Self.group(trainLabels, field: "trainLabels", classCount: classCount)
        testIndices = try Self.group(testLabels, field: "testLabels", classCount: classCount)
        trainOrder = Array(trainIndices.joined())
        testOrder = Array(testIndices.joined())
        trainOffsets = Self.offsets(of: trainIndices)
        testOffsets = Self.offsets(of: testIndices)
    }

    /// The number of training examples, n.
    public var trainCount: Int { trainLabels.count }
    /// The number of test examples, t.
    public var testCount: Int { testLabels.count }

    private static func group(_ labels: [Int], field: String, classCount: Int) throws(EstimatorError) -> [[Int]] {
        var groups = [[Int]](repeating: [], count: classCount)
        for (index, label) in labels.enumerated() {
            guard label >= 0 && label < classCount else {
                throw .labelOutOfRange(field: field, index: index, label: label, classCount: classCount)
            }
            groups[label].append(index)
        }
        return groups
    }

    private static func offsets(of groups: [[Int]]) -> [Int] {
        var offsets = [Int]()
        offsets.reserveCapacity(groups.count)
        var next = 0
        for group in groups {
            offsets.append(next)
            next += group.count
        }
        return offsets
    }
}
