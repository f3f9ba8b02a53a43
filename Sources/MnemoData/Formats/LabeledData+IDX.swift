import Foundation

extension LabeledData {
    /// Examples from an IDX image file and an IDX label file (MNIST layout), pixels scaled to [0, 1].
    ///
    /// - Parameters:
    ///   - images: an IDX file of rank ≥ 2 (examples × feature dimensions), gzipped or not.
    ///   - labels: an IDX file of rank 1 with one label per image.
    ///   - classCount: labels must lie in `0..<classCount`.
    /// - Throws: ``DatasetError`` naming the file and offset of the first problem: unreadable or
    ///   corrupt files, wrong ranks, differing counts, labels out of range.
    public static func readIDX(images: URL, labels: URL, classCount: Int) throws(DatasetError) -> LabeledData {
        let imageFile = try IDXFile.read(contentsOf: images, itemName: "images")
        guard imageFile.dimensions.count >= 2 else {
            throw DatasetError(
                file: images.path, offset: 3,
                reason: "rank \(imageFile.dimensions.count): images need at least 2 dimensions (examples × features)")
        }
        let labelFile = try IDXFile.read(contentsOf: labels, itemName: "labels")
        guard labelFile.dimensions.count == 1 else {
            throw DatasetError(
                file: labels.path, offset: 3, reason: "rank \(labelFile.dimensions.count): labels need exactly 1 dimension")
        }
        let count = imageFile.dimensions[0]
        guard labelFile.dimensions[0] == count else {
            throw DatasetError(
                file: labels.path, offset: 4,
                reason: "holds \(labelFile.dimensions[0]) labels but \(images.lastPathComponent) holds \(count) images")
        }
        let labelHeaderLength = 8
        var labelValues = [Int32](repeating: 0, count: count)
        for (index, label) in labelFile.elements.enumerated() {
            guard Int(label) < classCount else {
                throw DatasetError(
                    file: labels.path, offset: labelHeaderLength + index,
                    reason: "label \(label) of example \(index) is outside 0..<\(classCount)")
            }
            labelValues[index] = Int32(label)
        }
        return LabeledData(
            features: scaledPixels(imageFile.elements), labels: labelValues,
            dimension: imageFile.elements.count / count, classCount: classCount)
    }
}
