import Foundation

/// A parsed JSON value with the byte range it came from: what the hand-written header codecs read.
///
/// Foundation's `JSONDecoder` costs ~15 µs per small header here (most of it key conversion and
/// `Codable` machinery), which at tens of thousands of results a second is the coordinator's
/// largest cost. ``parse(_:)`` is a strict RFC 8259 parser: one value, optional whitespace around it,
/// valid UTF-8 in strings, no duplicate keys, nesting at most ``maximumDepth`` deep.
struct JSONNode: Sendable {
    /// The value's kind and contents; numbers stay text (``range``) until read as a type.
    enum Value: Sendable {
        case object([String: JSONNode])
        case array([JSONNode])
        case string(String)
        case number(String)
        case bool(Bool)
        case null
    }

    let value: Value
    /// Where the value is in the parsed bytes.
    let range: Range<Int>

    /// The deepest nesting of arrays and objects accepted; deeper input is refused, not recursed into.
    static let maximumDepth = 64

    /// Parses `data` as one JSON value.
    ///
    /// - Throws: ``JSONSyntaxError`` naming the first problem and its byte offset.
    static func parse(_ data: Data) throws(JSONSyntaxError) -> JSONNode {
        var parser = Parser(bytes: [UInt8](data))
        let node = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else {
            throw parser.error("unexpected \(parser.describeCurrent()) after the value")
        }
        return node
    }

    /// The JSON type's name, for error messages.
    var typeName: String {
        switch value {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONNode {
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input") }
            let start = index
            switch bytes[index] {
            case UInt8(ascii: "{"):
                return JSONNode(value: .object(try object(depth: depth + 1)), range: start..<index)
            case UInt8(ascii: "["):
                return JSONNode(value: .array(try array(depth: depth + 1)), range: start..<index)
            case UInt8(ascii: "\""):
                return JSONNode(value: .string(try string()), range: start..<index)
            case UInt8(ascii: "t"):
                try literal("true")
                return JSONNode(value: .bool(true), range: start..<index)
            case UInt8(ascii: "f"):
                try literal("false")
                return JSONNode(value: .bool(false), range: start..<index)
            case UInt8(ascii: "n"):
                try literal("null")
                return JSONNode(value: .null, range: start..<index)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try number()
                return JSONNode(value: .number(String(decoding: bytes[start..<index], as: UTF8.self)), range: start..<index)
            default:
                throw error("unexpected \(describeCurrent())")
            }
        }

        mutating func object(depth: Int) throws(JSONSyntaxError) -> [String: JSONNode] {
            guard depth <= JSONNode.maximumDepth else { throw error("nested deeper than \(JSONNode.maximumDepth) levels") }
            index += 1
            var fields: [String: JSONNode] = [:]
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return fields
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw error("expected a field name in quotes, found \(describeCurrent())")
                }
                let keyStart = index
                let key = try string()
                try expect(UInt8(ascii: ":"))
                let member = try value(depth: depth)
                guard fields.updateValue(member, forKey: key) == nil else {
                    index = keyStart
                    throw error("duplicate field \"\(key)\"")
                }
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input in an object") }
                let separator = bytes[index]
                index += 1
                if separator == UInt8(ascii: "}") { return fields }
                guard separator == UInt8(ascii: ",") else {
                    index -= 1
                    throw error("expected , or } in an object, found \(describeCurrent())")
                }
            }
        }

        mutating func array(depth: Int) throws(JSONSyntaxError) -> [JSONNode] {
            guard depth <= JSONNode.maximumDepth else { throw error("nested deeper than \(JSONNode.maximumDepth) levels") }
            index += 1
            var elements: [JSONNode] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return elements
            }
            while true {
                elements.append(try value(depth: depth))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input in an array") }
                let separator = bytes[index]
                index += 1
                if separator == UInt8(ascii: "]") { return elements }
                guard separator == UInt8(ascii: ",") else {
                    index -= 1
                    throw error("expected , or ] in an array, found \(describeCurrent())")
                }
            }
        }

        /// A string starting at the opening quote; the common case (no escapes) is one validated copy.
        mutating func string() throws(JSONSyntaxError) -> String {
            index += 1
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    defer { index += 1 }
                    return try validated(bytes[start..<index], at: start)
                }
                if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
                guard byte >= 0x20 else { throw error("control character 0x\(String(byte, radix: 16)) in a string") }
                index += 1
            }
            throw error("unterminated string")
        }

        mutating func escapedString(from start: Int) throws(JSONSyntaxError) -> String {
            var text = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return try validated(text[...], at: start)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { throw error("unterminated string") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escape)
                    case UInt8(ascii: "b"): text.append(0x08)
                    case UInt8(ascii: "f"): text.append(0x0C)
                    case UInt8(ascii: "n"): text.append(0x0A)
                    case UInt8(ascii: "r"): text.append(0x0D)
                    case UInt8(ascii: "t"): text.append(0x09)
                    case UInt8(ascii: "u"): text.append(contentsOf: try unicodeEscape())
                    default:
                        index -= 1
                        throw error("invalid escape \\\(describeCurrent())")
                    }
                default:
                    guard byte >= 0x20 else {
                        index -= 1
                        throw error("control character 0x\(String(byte, radix: 16)) in a string")
                    }
                    text.append(byte)
                }
            }
            throw error("unterminated string")
        }

        /// The UTF-8 of a `\uXXXX` escape (after the `u`), joining a surrogate pair.
        mutating func unicodeEscape() throws(JSONSyntaxError) -> [UInt8] {
            let high = try hexQuad()
            var scalarValue = UInt32(high)
            if (0xD800..<0xDC00).contains(high) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("unpaired surrogate \\u\(String(high, radix: 16))")
                }
                index += 2
                let low = try hexQuad()
                guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate \\u\(String(high, radix: 16))") }
                scalarValue = 0x10000 + ((UInt32(high) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(scalarValue) else {
                throw error("unpaired surrogate \\u\(String(scalarValue, radix: 16))")
            }
            return Array(String(Character(scalar)).utf8)
        }

        mutating func hexQuad() throws(JSONSyntaxError) -> UInt16 {
            guard index + 4 <= bytes.count,
                let value = UInt16(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16),
                bytes[index..<index + 4].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") })
            else { throw error("invalid \\u escape") }
            index += 4
            return value
        }

        func validated(_ utf8: ArraySlice<UInt8>, at offset: Int) throws(JSONSyntaxError) -> String {
            guard let text = String(validating: utf8, as: UTF8.self) else {
                throw JSONSyntaxError(message: "a string is not valid UTF-8", offset: offset)
            }
            return text
        }

        /// Checks the RFC 8259 number grammar: `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`.
        mutating func number() throws(JSONSyntaxError) {
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                skipDigits()
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: no digits after the point") }
                skipDigits()
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number: no digits in the exponent") }
                skipDigits()
            }
        }

        mutating func skipDigits() {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }

        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

        mutating func literal(_ word: String) throws(JSONSyntaxError) {
            let expected = word.utf8
            guard index + expected.count <= bytes.count, bytes[index..<index + expected.count].elementsEqual(expected) else {
                throw error("unexpected \(describeCurrent())")
            }
            index += expected.count
        }

        mutating func expect(_ byte: UInt8) throws(JSONSyntaxError) {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == byte else {
                throw error("expected \(Character(Unicode.Scalar(byte))), found \(describeCurrent())")
            }
            index += 1
        }

        mutating func skipWhitespace() {
            while index < bytes.count, HeaderCoding.isJSONWhitespace(bytes[index]) { index += 1 }
        }

        func describeCurrent() -> String {
            guard index < bytes.count else { return "end of input" }
            let byte = bytes[index]
            return (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        }

        func error(_ message: String) -> JSONSyntaxError {
            JSONSyntaxError(message: message, offset: index)
        }
    }
}

/// Why bytes are not JSON, and where.
struct JSONSyntaxError: Error, Equatable, CustomStringConvertible {
    let message: String
    /// Byte offset of the problem in the input.
    let offset: Int

    var description: String { "\(message) at byte \(offset)" }
}
