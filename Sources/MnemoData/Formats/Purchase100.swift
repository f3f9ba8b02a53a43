import Foundation
import MnemoCore

/// Purchase-100 (Shokri et al. 2017): 197,324 shoppers described by 600 binary purchase features,
/// in 100 classes, as one file with no train/test split.
///
/// Two forms are read:
/// - the text file `dataset_purchase`: one example a line, the label (from 1 to 100) then the 600
///   features, comma separated;
/// - a `.npz` with arrays `features` (n × 600) and `labels` (n labels from 0, or n × 100 one-hot).
///
/// Split it with ``DatasetSplits/randomSplit(_:testCount:seed:source:)``.
public enum Purchase100 {
    /// Number of classes.
    public static let classCount = 100
    /// Features per example.
    public static let featureCount = 600
    /// The text file's name in the published archive.
    public static let textFileName = "dataset_purchase"

    /// Reads the text form.
    ///
    /// - Throws: ``DatasetError`` naming the line and offset of a malformed row, a NaN feature or a
    ///   label outside 1...100, or the file when rows do not hold 600 features.
    public static func readText(_ url: URL) throws(DatasetError) -> LabeledData {
        let data = try LabeledData.readCSV(
            url, format: CSVFormat(labelColumn: .first, labelBase: 1), classCount: classCount)
        return try LabeledData.requiringDimension(featureCount, of: "Purchase-100", in: data, file: url.path)
    }

    /// Reads the `.npz` form.
    ///
    /// - Throws: ``DatasetError`` from ``LabeledData/readNPZ(_:featuresKey:labelsKey:classCount:labelBase:)``,
    ///   or naming the file when rows do not hold 600 features.
    public static func readNPZ(_ url: URL) throws(DatasetError) -> LabeledData {
        let data = try LabeledData.readNPZ(url, classCount: classCount)
        return try LabeledData.requiringDimension(featureCount, of: "Purchase-100", in: data, file: url.path)
    }
}
