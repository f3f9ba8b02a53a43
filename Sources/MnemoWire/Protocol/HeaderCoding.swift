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
        do {
            return try JSONDecoder().decode(AnnouncementFields.self, from: header).announcement
        } catch let problem as AnnouncementFields.Problem {
            switch problem {
            case .notObject: throw FrameError(.headerNotObject)
            case .invalid(let detail): throw FrameError(.invalidPayloadField(detail))
            }
        } catch let error as DecodingError {
            throw FrameError(.headerNotJSON(describe(error)))
        } catch {
            throw FrameError(.headerNotJSON(String(describing: error)))
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

    private struct AnnouncementFields: Decodable {
        enum Problem: Error {
            case notObject
            case invalid(String)
        }

        struct Key: CodingKey {
            let stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        let announcement: Announcement?

        init(from decoder: any Decoder) throws {
            guard let container = try? decoder.container(keyedBy: Key.self) else {
                throw Problem.notObject
            }
            let lengthKey = Key(stringValue: HeaderCoding.payloadLengthField)
            let checksumKey = Key(stringValue: HeaderCoding.payloadChecksumField)
            switch (container.contains(lengthKey), container.contains(checksumKey)) {
            case (false, false):
                announcement = nil
            case (true, false):
                throw Problem.invalid("\(lengthKey.stringValue) is present but \(checksumKey.stringValue) is not")
            case (false, true):
                throw Problem.invalid("\(checksumKey.stringValue) is present but \(lengthKey.stringValue) is not")
            case (true, true):
                guard let length = try? container.decode(Int.self, forKey: lengthKey), length >= 0 else {
                    throw Problem.invalid("\(lengthKey.stringValue) must be a non-negative integer")
                }
                guard let checksum = try? container.decode(UInt32.self, forKey: checksumKey) else {
                    throw Problem.invalid("\(checksumKey.stringValue) must be an integer from 0 to 4294967295")
                }
                announcement = Announcement(length: length, checksum: checksum)
            }
        }
    }
}
