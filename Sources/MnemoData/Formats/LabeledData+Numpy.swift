import Foundation

extension LabeledData {
    /// Examples from a `.npy` feature matrix and a `.npy` label array.
    ///
    /// - Parameters:
    ///   - features: an array of shape n × d (or n × d₁ × d₂ …, flattened per row in C order) of any
    ///     ``NpyDType`` element type; values are converted to `Float` as stored (not rescaled).
    ///   - labels: n integer labels (shape n or n × 1, integer, boolean or integral float elements),
    ///     or an n × classCount one-hot matrix.
    ///   - classCount: labels must lie in `labelBase..<(labelBase + classCount)`.
    ///   - labelBase: the smallest label in the file (1 for files that count classes from 1).
    /// - Throws: ``DatasetError`` naming the file and offset: unreadable or corrupt files, shapes that
    ///   disagree, a NaN or infinite feature (with its row), a label out of range or not one-hot.
    public static func readNPY(
        features: URL, labels: URL, classCount: Int, labelBase: Int = 0
    ) throws(DatasetError) -> LabeledData {
        try fromNumpy(
            features: NpyArray.read(contentsOf: features), featuresFile: features.path,
            labels: NpyArray.read(contentsOf: labels), labelsFile: labels.path,
            classCount: classCount, labelBase: labelBase)
    }

    /// Examples from the arrays `featuresKey` and `labelsKey` of a `.npz` file, read as in
    /// ``readNPY(features:labels:classCount:labelBase:)``.
    ///
    /// - Throws: ``DatasetError`` from ``NpzReader/read(contentsOf:names:)`` or about the arrays,
    ///   naming the file as `archive.npz [member.npy]`.
    public static func readNPZ(
        _ url: URL, featuresKey: String = "features", labelsKey: String = "labels", classCount: Int,
        labelBase: Int = 0
    ) throws(DatasetError) -> LabeledData {
        let arrays = try NpzReader.read(contentsOf: url, names: [featuresKey, labelsKey])
        return try fromNumpy(
            features: arrays[featuresKey]!, featuresFile: "\(url.path) [\(featuresKey).npy]",
            labels: arrays[labelsKey]!, labelsFile: "\(url.path) [\(labelsKey).npy]",
            classCount: classCount, labelBase: labelBase)
    }

    /// Examples from parsed arrays; the file names are used in errors.
    ///
    /// - Throws: ``DatasetError`` as ``readNPY(features:labels:classCount:labelBase:)``.
    public static func fromNumpy(
        features: NpyArray, featuresFile: String, labels: NpyArray, labelsFile: String, classCount: Int,
        labelBase: Int = 0
    ) throws(DatasetError) -> LabeledData {
        precondition(classCount > 0, "class count must be positive")
        guard features.shape.count >= 2, features.shape[0] > 0 else {
            throw DatasetError(
                file: featuresFile, offset: 0,
                reason: "shape \(features.shape): features need at least 2 dimensions (examples × features) "
                    + "and at least one example")
        }
        let count = features.shape[0]
        let dimension = features.count / count
        guard dimension > 0 else {
            throw DatasetError(file: featuresFile, offset: 0, reason: "shape \(features.shape) holds no features")
        }
        guard labels.shape.first == count else {
            throw DatasetError(
                file: labelsFile, offset: 0,
                reason: "shape \(labels.shape) does not hold one label per each of the \(count) examples")
        }
        let values = try features.floatValues(file: featuresFile)
        let classes = try decodeLabels(labels, file: labelsFile, classCount: classCount, labelBase: labelBase)
        return LabeledData(features: values, labels: classes, dimension: dimension, classCount: classCount)
    }

    /// Integer labels (shape n or n × 1) or one-hot rows (n × classCount) as classes from 0.
    private static func decodeLabels(
        _ labels: NpyArray, file: String, classCount: Int, labelBase: Int
    ) throws(DatasetError) -> [Int32] {
        let count = labels.shape[0]
        let width = labels.shape.dropFirst().reduce(1, *)
        let size = labels.dtype.itemSize
        var classes = [Int32](repeating: 0, count: count)
        if width == 1 {
            let valid = labelBase..<(labelBase + classCount)
            for row in 0..<count {
                let value = labels.value(at: row)
                guard value == value.rounded(), value >= Double(valid.lowerBound), value < Double(valid.upperBound)
                else {
                    throw DatasetError(
                        file: file, offset: labels.payloadOffset + row * size,
                        reason: "label \(value) of row \(row) is outside \(valid.lowerBound)...\(valid.upperBound - 1)")
                }
                classes[row] = Int32(Int(value) - labelBase)
            }
        } else if labels.shape.count == 2, width == classCount {
            for row in 0..<count {
                let ones = (0..<width).filter { labels.value(at: row * width + $0) != 0 }
                guard ones.count == 1, labels.value(at: row * width + ones[0]) == 1 else {
                    throw DatasetError(
                        file: file, offset: labels.payloadOffset + row * width * size,
                        reason: "row \(row) of the one-hot labels has \(ones.count) non-zero entries, not a single 1")
                }
                classes[row] = Int32(ones[0])
            }
        } else {
            throw DatasetError(
                file: file, offset: 0,
                reason: "shape \(labels.shape): labels must be n integers or an n × \(classCount) one-hot matrix")
        }
        return classes
    }
}
