/// A dataset file that is missing, corrupt or inconsistent, or a preparation request it cannot satisfy.
///
/// Prints as `t10k-labels-idx1-ubyte.gz: offset 8: file ends after 992 of 10000 labels`, or for text
/// files `dataset_purchase: line 3 (offset 2410): label 101 is outside 1...100`. Offsets of gzip
/// problems count bytes of the file on disk; offsets of IDX problems count bytes of the IDX content
/// (after decompression, for a gzipped file); offsets inside a `.npz` member count bytes of that
/// member. Lines count from 1.
public struct DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or dataset folder, or `archive.npz [member.npy]`) that failed.
    public let file: String
    /// Byte offset of the problem where it is known.
    public let offset: Int?
    /// Line of a text file (from 1) where the problem is, where it is known.
    public let line: Int?
    /// What is wrong, in words.
    public let reason: String

    /// An error about `file`, optionally at byte `offset` and text `line`.
    public init(file: String, offset: Int? = nil, line: Int? = nil, reason: String) {
        self.file = file
        self.offset = offset
        self.line = line
        self.reason = reason
    }

    public var description: String {
        switch (line, offset) {
        case (let line?, let offset?): "\(file): line \(line) (offset \(offset)): \(reason)"
        case (let line?, nil): "\(file): line \(line): \(reason)"
        case (nil, let offset?): "\(file): offset \(offset): \(reason)"
        case (nil, nil): "\(file): \(reason)"
        }
    }
}
