import Foundation
import MnemoCore

extension LabeledData {
    /// Examples from a delimited text file: one example per line, one field the label and every
    /// other field a numeric feature (used as is, not rescaled). A gzipped file is decompressed first.
    ///
    /// - Parameters:
    ///   - url: the file.
    ///   - format: delimiter, header, label column and label base.
    ///   - classCount: labels must be integers in `format.labelBase..<(format.labelBase + classCount)`.
    /// - Throws: ``DatasetError`` naming the file, line and byte offset of the first problem: rows of
    ///   differing length, fields that are not numbers, NaN or infinite features, labels out of range.
    public static func readCSV(_ url: URL, format: CSVFormat, classCount: Int) throws(DatasetError) -> LabeledData {
        try parseCSV(DatasetFile.contents(of: url), file: url.path, format: format, classCount: classCount)
    }

    /// Examples from delimited text content, as ``readCSV(_:format:classCount:)``.
    ///
    /// - Parameter file: the file name used in errors.
    public static func parseCSV(
        _ data: Data, file: String, format: CSVFormat, classCount: Int
    ) throws(DatasetError) -> LabeledData {
        precondition(classCount > 0, "class count must be positive")
        let table = try DelimitedText(
            file: file, delimiter: format.delimiter.asciiValue!, hasHeader: format.hasHeader,
            labelColumn: format.labelColumn, labelBase: format.labelBase, classCount: classCount
        ).parse(data)
        guard table.dimension > 0 else {
            throw DatasetError(file: file, offset: 0, line: 1, reason: "rows hold a label but no features")
        }
        return LabeledData(
            features: table.features, labels: table.labels, dimension: table.dimension, classCount: classCount)
    }

    /// Examples whose features and labels are in two delimited text files of the same number of
    /// lines (Texas-100's `feats` and `labels`): every field of `features` is a feature, each line of
    /// `labels` holds one label.
    ///
    /// - Throws: ``DatasetError`` as ``readCSV(_:format:classCount:)``, or naming the labels file
    ///   when the line counts differ.
    public static func readCSV(
        features: URL, labels: URL, delimiter: Character = ",", labelBase: Int = 0, classCount: Int
    ) throws(DatasetError) -> LabeledData {
        let ascii = delimiter.asciiValue!
        let featureTable = try DelimitedText(
            file: features.path, delimiter: ascii, hasHeader: false, labelColumn: nil, labelBase: labelBase,
            classCount: classCount
        ).parse(DatasetFile.contents(of: features))
        let labelTable = try DelimitedText(
            file: labels.path, delimiter: ascii, hasHeader: false, labelColumn: .first, labelBase: labelBase,
            classCount: classCount
        ).parse(DatasetFile.contents(of: labels))
        guard labelTable.dimension == 0 else {
            throw DatasetError(
                file: labels.path, offset: 0, line: 1,
                reason: "\(labelTable.dimension + 1) fields: expected one label a line")
        }
        let count = featureTable.features.count / featureTable.dimension
        guard labelTable.labels.count == count else {
            throw DatasetError(
                file: labels.path,
                reason: "holds \(labelTable.labels.count) labels but \(features.lastPathComponent) holds \(count) rows")
        }
        return LabeledData(
            features: featureTable.features, labels: labelTable.labels, dimension: featureTable.dimension,
            classCount: classCount)
    }
}
