/// Why an estimator input was rejected: names the field, the run or example, and the expected shape.
public struct EstimatorError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Kind: Sendable, Equatable {
        case invalidClassCount(Int)
        case labelOutOfRange(field: String, index: Int, label: Int, classCount: Int)
        case lengthMismatch(field: String, run: Int, expected: Int, actual: Int)
        case incompatibleMerge(field: String)
        case tooManyRuns(Int)
        case inconsistentState(String)
    }

    private let kind: Kind

    private init(_ kind: Kind) { self.kind = kind }

    /// The class count is not positive.
    static func invalidClassCount(_ count: Int) -> Self {
        Self(.invalidClassCount(count))
    }

    /// A label (`field` is `trainLabels` or `testLabels`) lies outside `0..<classCount`.
    static func labelOutOfRange(field: String, index: Int, label: Int, classCount: Int) -> Self {
        Self(.labelOutOfRange(field: field, index: index, label: label, classCount: classCount))
    }

    /// Run `run` of a block has a bit vector (`field`) of the wrong length.
    static func lengthMismatch(field: String, run: Int, expected: Int, actual: Int) -> Self {
        Self(.lengthMismatch(field: field, run: run, expected: expected, actual: actual))
    }

    /// Two accumulators differ in `field` and cannot be merged.
    static func incompatibleMerge(field: String) -> Self {
        Self(.incompatibleMerge(field: field))
    }

    /// More runs than the float32 sums count exactly.
    static func tooManyRuns(_ limit: Int) -> Self {
        Self(.tooManyRuns(limit))
    }

    /// A saved accumulator state (``InfluenceAccumulator/State``) contradicts itself: `detail` says how.
    static func inconsistentState(_ detail: String) -> Self {
        Self(.inconsistentState(detail))
    }

    public var description: String {
        switch kind {
        case .invalidClassCount(let count):
            "estimator: class count \(count) must be positive"
        case .labelOutOfRange(let field, let index, let label, let classCount):
            "estimator: \(field)[\(index)] = \(label) is outside 0..<\(classCount)"
        case .lengthMismatch(let field, let run, let expected, let actual):
            "estimator: run \(run) of the block has \(actual) \(field) bits, expected \(expected)"
        case .incompatibleMerge(let field):
            "estimator: cannot merge accumulators with different \(field)"
        case .tooManyRuns(let limit):
            "estimator: a trial of more than \(limit) runs cannot be counted exactly in float32; split it into trials"
        case .inconsistentState(let detail):
            "estimator: the accumulator state received is inconsistent (\(detail)); read the scores from the database instead"
        }
    }
}
