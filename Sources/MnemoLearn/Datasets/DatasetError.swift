/// A dataset file that is missing, corrupt or inconsistent, or a preparation request it cannot satisfy.
///
/// Prints as `t10k-labels-idx1-ubyte.gz: offset 8: file ends after 992 of 10000 labels`. Offsets of
/// gzip problems count bytes of the file on disk; offsets of IDX problems count bytes of the IDX
/// content (after decompression, for a gzipped file).
public struct DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or dataset folder) that failed.
    public let file: String
    /// Byte offset of the problem where it is known.
    public let offset: Int?
    /// What is wrong, in words.
    public let reason: String

    /// An error about `file`, optionally at byte `offset`.
    public init(file: String, offset: Int? = nil, reason: String) {
        self.file = file
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        if let offset {
            return "\(file): offset \(offset): \(reason)"
        }
        return "\(file): \(reason)"
    }
}
