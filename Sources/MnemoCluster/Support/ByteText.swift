import Foundation

/// Sizes in words for messages and logs.
enum ByteText {
    /// `bytes` in MiB with one decimal, e.g. "20.5 MiB".
    static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}
