import Foundation

/// How headers become JSON and back, and how the payload announcement inside them is read.
///
/// Field names on the wire are snake_case, converted from and to Swift's lowerCamelCase by the
/// coders' key strategies (`workerId` ↔ `worker_id`). Spell acronyms as words in header structs
/// (`taskId`, not `taskID`): `taskID` would encode as `task_id` but decode looking for `task_i_d`.
/// Dates travel as integer milliseconds since 1970, keys are sorted so equal headers are equal bytes.
enum HeaderCoding {
    static let payloadLengthField = "payload_length"
    static let payloadChecksumField = "payload_crc32c"

    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }

    /// The payload a header announces: both fields or neither.
    struct Announcement: Equatable {
        let length: Int
        let checksum: UInt32
    }

    /// Reads the announcement in `header`, checking on the way that it is a JSON object.
    ///
    /// - Returns: `nil` when the header announces no payload.
    /// - Throws: ``FrameError`` for invalid JSON, a non-object or malformed payload fields.
    static func announcement(in header: Data) throws(FrameError) -> Announcement? {
        let node: JSONNode
        do {
            node = try JSONNode.parse(header)
        } catch {
            throw FrameError(.headerNotJSON(error.description))
        }
        guard case .object(let fields) = node.value else { throw FrameError(.headerNotObject) }
        switch (fields[payloadLengthField], fields[payloadChecksumField]) {
        case (nil, nil):
            return nil
        case (_?, nil):
            throw FrameError(.invalidPayloadField("\(payloadLengthField) is present but \(payloadChecksumField) is not"))
        case (nil, _?):
            throw FrameError(.invalidPayloadField("\(payloadChecksumField) is present but \(payloadLengthField) is not"))
        case (let length?, let checksum?):
            guard case .number(let lengthText) = length.value, let length = Int(lengthText), length >= 0 else {
                throw FrameError(.invalidPayloadField("\(payloadLengthField) must be a non-negative integer"))
            }
            guard case .number(let checksumText) = checksum.value, let checksum = UInt32(checksumText) else {
                throw FrameError(.invalidPayloadField("\(payloadChecksumField) must be an integer from 0 to 4294967295"))
            }
            return Announcement(length: length, checksum: checksum)
        }
    }

    /// `header` (an object without payload fields) with the announcement of `payload` appended.
    static func announcing(_ payload: Data, in header: Data) -> Data {
        let fields =
            "\"\(payloadChecksumField)\":\(CRC32C.checksum(payload)),\"\(payloadLengthField)\":\(payload.count)}"
        var object = Data(header.dropLast())  // the closing brace, checked by the caller
        let isEmptyObject = object.last(where: { !isJSONWhitespace($0) }) == UInt8(ascii: "{")
        if !isEmptyObject {
            object.append(UInt8(ascii: ","))
        }
        object.append(contentsOf: fields.utf8)
        return object
    }

    static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// A one-line account of a decoding failure: what, and where in the document.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.isEmpty ? "top level" : context.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context))"
            return "missing field \"\(key.stringValue)\"\(parent)"
        case .valueNotFound(let type, let context):
            return "missing \(type) value at \(path(context))"
        case .typeMismatch(let type, let context):
            return "expected \(type) at \(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            let underlying = context.underlyingError.map { " (\($0))" } ?? ""
            return "\(context.debugDescription) at \(path(context))\(underlying)"
        @unknown default:
            return String(describing: error)
        }
    }
}
