import Foundation

extension LabeledData {
    /// Examples from CIFAR binary batch files, concatenated in the order given.
    ///
    /// Features are the 3,072 pixels of each image in the file's CHW order (feature
    /// `c · 1024 + y · 32 + x` is channel c ∈ {red, green, blue} at row y, column x), scaled from
    /// 0...255 to [0, 1]. A gzipped batch is decompressed first.
    ///
    /// - Parameters:
    ///   - batches: the batch files.
    ///   - layout: the record layout (``CIFARLayout/cifar10``, ``CIFARLayout/cifar100Fine``, …).
    /// - Throws: ``DatasetError`` naming the file and offset: a missing, empty or unreadable file, a
    ///   length that is not a whole number of records (a truncated file), a label outside the layout's
    ///   classes.
    public static func readCIFAR(batches: [URL], layout: CIFARLayout) throws(DatasetError) -> LabeledData {
        var pixels: [UInt8] = []
        var labels: [Int32] = []
        for url in batches {
            let content = try DatasetFile.contents(of: url)
            try appendCIFARRecords(content, file: url.path, layout: layout, pixels: &pixels, labels: &labels)
        }
        return LabeledData(
            features: scaledPixels(pixels), labels: labels, dimension: CIFARLayout.pixelCount,
            classCount: layout.classCount)
    }

    /// Checks and appends the records of one batch's content.
    static func appendCIFARRecords(
        _ content: Data, file: String, layout: CIFARLayout, pixels: inout [UInt8], labels: inout [Int32]
    ) throws(DatasetError) {
        let recordLength = layout.recordLength
        guard !content.isEmpty else {
            throw DatasetError(
                file: file, offset: 0, reason: "empty file: a CIFAR batch holds \(recordLength)-byte records")
        }
        let (records, remainder) = content.count.quotientAndRemainder(dividingBy: recordLength)
        guard remainder == 0 else {
            throw DatasetError(
                file: file, offset: records * recordLength,
                reason: "file ends \(remainder) bytes into record \(records) (records are \(recordLength) bytes): "
                    + "truncated, or not a CIFAR batch of this layout")
        }
        pixels.reserveCapacity(pixels.count + records * CIFARLayout.pixelCount)
        labels.reserveCapacity(labels.count + records)
        let bytes = [UInt8](content)
        for record in 0..<records {
            let start = record * recordLength
            let label = bytes[start + layout.labelIndex]
            guard Int(label) < layout.classCount else {
                throw DatasetError(
                    file: file, offset: start + layout.labelIndex,
                    reason: "label \(label) of record \(record) is outside 0..<\(layout.classCount)")
            }
            labels.append(Int32(label))
            pixels.append(contentsOf: bytes[(start + layout.labelBytes)..<(start + recordLength)])
        }
    }
}
