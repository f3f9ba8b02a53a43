import Foundation
import ArgumentParser

/// A size in bytes given on the command line: a number with an optional binary unit, `K`, `M`, `G` or
/// `T` (powers of 1024, `KiB`/`KB` spellings too), e.g. `20G` or `512M`. Checked when the arguments
/// are parsed.
struct ByteSize: ExpressibleByArgument, Sendable, Equatable {
    let bytes: Int

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces).uppercased()
        let digits = text.prefix { $0.isNumber || $0 == "." }
        var unit = String(text.dropFirst(digits.count)).trimmingCharacters(in: .whitespaces)
        for suffix in ["IB", "B"] where unit.hasSuffix(suffix) && unit.count > suffix.count {
            unit.removeLast(suffix.count)
        }
        let scale: Double
        switch unit {
        case "", "B": scale = 1
        case "K": scale = 1024
        case "M": scale = 1024 * 1024
        case "G": scale = 1024 * 1024 * 1024
        case "T": scale = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        guard let value = Double(digits), value >= 0, value * scale < 9e18 else { return nil }
        bytes = Int(value * scale)
    }

    static var defaultValueDescription: String { "a size such as 20G or 512M" }

    /// Refuses a cache bound below 1 MiB, which could not even hold the manifest's chunks.
    static func validateCacheMax(_ size: ByteSize?) throws {
        if let size, size.bytes < 1 << 20 {
            throw ValidationError("--cache-max must be at least 1M (it bounds the datasets kept in the cache folder), got \(size.bytes) bytes")
        }
    }
}
