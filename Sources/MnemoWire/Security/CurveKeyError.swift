import Foundation

/// A key or allowlist that cannot be used, and where it is.
public struct CurveKeyError: Error, Equatable, CustomStringConvertible {
    /// What is wrong.
    public enum Reason: Sendable, Equatable {
        /// The text is not a 40-character Z85 key (its length).
        case notAKey(Int)
        /// The file does not exist or cannot be read.
        case unreadable(String)
        /// A secret key file others may read (its permission bits).
        case readableByOthers(mode: UInt16)
        /// A file to be written exists already.
        case exists
        /// An allowlist holds no key.
        case emptyAllowlist
        /// A line of an allowlist file is not a key (its 1-based number).
        case badAllowlistLine(Int)
    }

    public let reason: Reason
    /// The file concerned, if any.
    public let path: String?

    public init(_ reason: Reason, path: String? = nil) {
        self.reason = reason
        self.path = path
    }

    public var description: String {
        let place = path.map { "\($0): " } ?? ""
        switch reason {
        case .notAKey(let length):
            return "\(place)not a CURVE key: expected 40 Z85 characters, found \(length) (make keys with `mnemo keys generate`)"
        case .unreadable(let detail):
            return "\(place)cannot read the key file: \(detail)"
        case .readableByOthers(let mode):
            return "\(place)the secret key is readable by others (mode \(String(mode, radix: 8))); run `chmod 600 \(path ?? "FILE")`"
        case .exists:
            return "\(place)exists already; remove it or choose another --name or --out"
        case .emptyAllowlist:
            return "\(place)the allowlist holds no public key (a .pub file, or a folder of them)"
        case .badAllowlistLine(let line):
            return "\(place)line \(line) is not a public key (40 Z85 characters first; a line starting with # is a comment)"
        }
    }
}
