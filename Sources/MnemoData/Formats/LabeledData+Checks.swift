extension LabeledData {
    /// `data` if its rows hold `dimension` features, as the named dataset's rows do.
    ///
    /// - Throws: ``DatasetError`` naming `file` otherwise.
    static func requiringDimension(
        _ dimension: Int, of dataset: String, in data: LabeledData, file: String
    ) throws(DatasetError) -> LabeledData {
        guard data.dimension == dimension else {
            throw DatasetError(file: file, reason: "rows hold \(data.dimension) features; \(dataset) has \(dimension)")
        }
        return data
    }
}
