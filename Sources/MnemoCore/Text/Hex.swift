import Crypto
import Foundation

/// Lowercase hexadecimal text of bytes, and the hex SHA-256 that names tasks, specs, datasets and
/// trainer scripts.
///
/// Written by hand: `String(format: "%02x")` per byte went through Foundation's formatter, which was
/// most of the cost of registering a sweep of many tasks (32 calls per task id).
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `bytes` as lowercase hex, two digits per byte, joined by `separator`.
    public static func string(_ bytes: some Sequence<UInt8>, separator: String = "") -> String {
        var text: [UInt8] = []
        let separatorBytes = Array(separator.utf8)
        text.reserveCapacity(bytes.underestimatedCount * (2 + separatorBytes.count))
        for byte in bytes {
            if !text.isEmpty { text.append(contentsOf: separatorBytes) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The SHA-256 of `data` as 64 lowercase hex digits.
    public static func sha256(_ data: some DataProtocol) -> String {
        string(SHA256.hash(data: data))
    }
}
