/// Examples with class labels: a row-major n × d feature matrix and n labels in `0..<classCount`.
public struct LabeledData: Sendable, Equatable {
    /// Row-major features, `count × dimension` of them; image pixels are scaled to [0, 1].
    public let features: [Float]
    /// The class of each example, in `0..<classCount`.
    public let labels: [Int32]
    /// Number of features per example.
    public let dimension: Int
    /// Number of classes.
    public let classCount: Int

    /// Number of examples.
    public var count: Int { labels.count }

    /// Examples from features and labels; the shapes and label range must agree.
    public init(features: [Float], labels: [Int32], dimension: Int, classCount: Int) {
        precondition(dimension > 0 && classCount > 0, "dimension and class count must be positive")
        precondition(features.count == labels.count * dimension, "features do not form \(labels.count) rows of \(dimension)")
        precondition(labels.allSatisfy { $0 >= 0 && Int($0) < classCount }, "a label lies outside 0..<\(classCount)")
        self.features = features
        self.labels = labels
        self.dimension = dimension
        self.classCount = classCount
    }

    /// The examples at `indices`, in that order.
    ///
    /// When `indices` is `0..<count` the result shares this value's storage instead of copying it, so
    /// selecting every example costs no memory.
    public func selecting(_ indices: [Int]) -> LabeledData {
        if indices.count == count, indices.enumerated().allSatisfy({ $0.offset == $0.element }) {
            return self
        }
        let selected = [Float](unsafeUninitializedCapacity: indices.count * dimension) { target, initialized in
            HugePages.advise(target)
            features.withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    precondition(index >= 0 && index < count, "example \(index) is outside 0..<\(count)")
                    let from = source.baseAddress! + index * dimension
                    (target.baseAddress! + row * dimension).initialize(from: from, count: dimension)
                }
            }
            initialized = indices.count * dimension
        }
        return LabeledData(
            features: selected, labels: indices.map { labels[$0] }, dimension: dimension, classCount: classCount)
    }

    /// The same features with other labels.
    public func relabeled(_ newLabels: [Int32]) -> LabeledData {
        LabeledData(features: features, labels: newLabels, dimension: dimension, classCount: classCount)
    }
}
