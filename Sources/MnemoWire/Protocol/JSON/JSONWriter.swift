import Foundation

/// Writes compact JSON the way the header encoder does (no spaces, `/` unescaped), for the headers
/// sent thousands of times a second. Callers write object keys in sorted order, so equal headers are
/// equal bytes, as with `JSONEncoder`'s `.sortedKeys`.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// The first non-finite number written, if any: JSON cannot carry it, so the header is refused.
    private(set) var nonFinite: (key: String, value: Double)?
    private var needsComma = false
    private var afterKey = false
    private var lastKey = ""

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() { open(UInt8(ascii: "{")) }

    mutating func endObject() { close(UInt8(ascii: "}")) }

    mutating func beginArray() { open(UInt8(ascii: "[")) }

    mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ bracket: UInt8) {
        beginValue()
        bytes.append(bracket)
        needsComma = false
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        needsComma = true
    }

    mutating func key(_ name: String) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
        lastKey = name
    }

    mutating func string(_ text: String) {
        beginValue()
        writeString(text)
        needsComma = true
    }

    mutating func int(_ value: some BinaryInteger) {
        beginValue()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    mutating func double(_ value: Double) {
        beginValue()
        if !value.isFinite, nonFinite == nil { nonFinite = (lastKey, value) }
        bytes.append(contentsOf: (value.isFinite ? value.description : "null").utf8)
        needsComma = true
    }

    mutating func bool(_ value: Bool) {
        beginValue()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    /// A value that is already JSON (a pre-encoded template).
    mutating func raw(_ json: Data) {
        beginValue()
        bytes.append(contentsOf: json)
        needsComma = true
    }

    /// Key and value together, for the common case.
    mutating func field(_ name: String, _ text: String) {
        key(name)
        string(text)
    }

    mutating func field(_ name: String, _ value: Int) {
        key(name)
        int(value)
    }

    mutating func field(_ name: String, _ value: Double) {
        key(name)
        double(value)
    }

    private mutating func beginValue() {
        if afterKey {
            afterKey = false
        } else if needsComma {
            bytes.append(UInt8(ascii: ","))
        }
    }

    private mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case ..<0x20:
                let hex = String(byte, radix: 16)
                bytes.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
