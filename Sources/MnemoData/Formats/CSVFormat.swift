import MnemoCore

/// How a delimited text file of examples is laid out: one example per line, fields separated by a
/// one-byte delimiter, one field the label and the others numeric features.
///
/// ```swift
/// // label in the last column, a header line, labels counted from 1
/// let format = CSVFormat(delimiter: ",", hasHeader: true, labelColumn: .last, labelBase: 1)
/// let data = try LabeledData.readCSV(url, format: format, classCount: 10)
/// ```
public struct CSVFormat: Sendable, Equatable, Hashable {
    /// The field separator, an ASCII character.
    public var delimiter: Character
    /// Whether the first line names the columns (and is skipped).
    public var hasHeader: Bool
    /// Which field holds the label.
    public var labelColumn: LabelColumn
    /// The smallest label in the file (1 for files that count classes from 1): labels are stored
    /// as `label - labelBase`.
    public var labelBase: Int

    /// A format; the delimiter must be ASCII and not a digit, sign, dot or space.
    public init(
        delimiter: Character = ",", hasHeader: Bool = false, labelColumn: LabelColumn = .first, labelBase: Int = 0
    ) {
        precondition(
            delimiter.isASCII && !delimiter.isNumber && !"+-. \r\n".contains(delimiter), "unusable delimiter")
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.labelColumn = labelColumn
        self.labelBase = labelBase
    }
}
