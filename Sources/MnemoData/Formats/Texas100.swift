import Foundation

/// Texas-100 (Shokri et al. 2017): 67,330 hospital discharge records described by 6,169 binary
/// features, in 100 classes (the most frequent procedures), with no train/test split.
///
/// Two forms are read:
/// - the text files `texas/100/feats` (one example a line, 6,169 comma-separated features) and
///   `texas/100/labels` (one label from 1 to 100 a line);
/// - a `.npz` with arrays `features` (n × 6,169) and `labels` (n labels from 0, or n × 100 one-hot).
///
/// Split it with ``DatasetSplits/randomSplit(_:testCount:seed:source:)``.
public enum Texas100 {
    /// Number of classes.
    public static let classCount = 100
    /// Features per example.
    public static let featureCount = 6169

    /// Reads the text form from its two files.
    ///
    /// - Throws: ``DatasetError`` naming the file, line and offset of a malformed row, a NaN feature
    ///   or a label outside 1...100; or when the files' line counts differ or rows do not hold 6,169
    ///   features.
    public static func readText(features: URL, labels: URL) throws(DatasetError) -> LabeledData {
        let data = try LabeledData.readCSV(features: features, labels: labels, labelBase: 1, classCount: classCount)
        return try LabeledData.requiringDimension(featureCount, of: "Texas-100", in: data, file: features.path)
    }

    /// Reads the `.npz` form.
    ///
    /// - Throws: ``DatasetError`` from ``LabeledData/readNPZ(_:featuresKey:labelsKey:classCount:labelBase:)``,
    ///   or naming the file when rows do not hold 6,169 features.
    public static func readNPZ(_ url: URL) throws(DatasetError) -> LabeledData {
        let data = try LabeledData.readNPZ(url, classCount: classCount)
        return try LabeledData.requiringDimension(featureCount, of: "Texas-100", in: data, file: url.path)
    }
}
