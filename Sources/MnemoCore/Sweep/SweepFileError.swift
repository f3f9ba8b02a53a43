/// A sweep file that cannot be used, with where the problem is and what would be accepted instead.
///
/// Prints as `quickstart.yaml:12:5: training.batch_size: expected a positive integer, found "big"`.
public struct SweepFileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The sweep file, as given by the user.
    public let file: String
    /// 1-based line of the offending node, when known.
    public let line: Int?
    /// 1-based column of the offending node, when known.
    public let column: Int?
    /// Dotted path of the field, e.g. `estimator.ratio` or `grid.learning_rate[2]`.
    public let path: String
    /// What is wrong and what is allowed.
    public let expected: String

    public init(file: String, line: Int?, column: Int?, path: String, expected: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.expected = expected
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        let field = path.isEmpty ? "" : "\(path): "
        return "\(location): \(field)\(expected)"
    }
}
