import Foundation

/// Reading a dataset file's bytes with errors that name it.
enum DatasetFile {
    /// The file's bytes, decompressed if they start with the gzip magic.
    ///
    /// - Throws: ``DatasetError`` if the file is missing or unreadable, or its gzip stream is corrupt.
    static func contents(of url: URL, gunzip: Bool = true) throws(DatasetError) -> Data {
        let data = try bytes(of: url)
        return gunzip && Gzip.isGzip(data) ? try Gzip.decompress(data, file: url.path) : data
    }

    /// The file's bytes as stored.
    static func bytes(of url: URL) throws(DatasetError) -> Data {
        let file = url.path
        guard FileManager.default.fileExists(atPath: file) else {
            throw DatasetError(file: file, reason: "no such file")
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw DatasetError(file: file, reason: "cannot read the file: \(error.localizedDescription)")
        }
    }
}
