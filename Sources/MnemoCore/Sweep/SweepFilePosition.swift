import Foundation
import Yams

/// Where a field of a sweep file is, for errors found after parsing (checks against the prepared
/// data), so that they name a line and column like the parser's own.
public enum SweepFilePosition {
    /// The line and column of the dotted `path` (`training.validation`; list indices are ignored), or of
    /// the deepest part of it the file has; nil for an empty path or a file that cannot be read again.
    public static func of(_ path: String, inFile file: String) -> (line: Int, column: Int)? {
        guard !path.isEmpty, let text = try? String(contentsOfFile: file, encoding: .utf8),
            let root = try? Yams.compose(yaml: text)
        else { return nil }
        var node = root
        var found: Mark?
        for part in path.split(separator: ".") {
            let name = String(part.prefix { $0 != "[" })
            guard let mapping = node.mapping, let entry = mapping.first(where: { $0.key.string == name }) else { break }
            found = entry.key.mark
            node = entry.value
        }
        return found.map { ($0.line, $0.column) }
    }

    /// A ``SweepFileError`` at `path`'s position in `file`.
    public static func error(in file: String, path: String, expected: String) -> SweepFileError {
        let position = of(path, inFile: file)
        return SweepFileError(file: file, line: position?.line, column: position?.column, path: path, expected: expected)
    }
}
