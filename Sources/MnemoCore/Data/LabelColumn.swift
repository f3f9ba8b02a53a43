/// Which field of a delimited text row holds the label: in a sweep file's `label_column` and in the
/// CSV reader's format.
public enum LabelColumn: Codable, Sendable, Hashable {
    /// The first field.
    case first
    /// The last field.
    case last
    /// The field at this 0-based index.
    case index(Int)
    /// The field whose header is this name (needs a header line).
    case named(String)
}
