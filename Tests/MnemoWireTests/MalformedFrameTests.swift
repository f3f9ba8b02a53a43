import Foundation
import MnemoCore
import MnemoWire
import Testing

@Suite struct MalformedFrameTests {
    /// A malformed message and what decoding it must report.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let frames: [Data]
        /// The exact reason, where it does not depend on a parser's wording.
        let reason: FrameError.Reason?
        /// Text the error's description must contain.
        let text: String

        var testDescription: String { name }
    }

    static let payload = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    static let checksum = CRC32C.checksum(payload)
    static let version = Data([Envelope.protocolVersion])
    static let type = Data("result".utf8)
    static let header = Data(
        "{\"payload_crc32c\":\(checksum),\"payload_length\":\(payload.count),\"task\":\"t1\"}".utf8)
    static let valid = [version, type, header, payload]

    static func header(_ json: String) -> Data { Data(json.utf8) }

    static let cases: [Case] = [
        Case(name: "no frames", frames: [], reason: .frameCount(0), text: "message has 0 frames; expected 3 or 4"),
        Case(name: "too few frames", frames: [version, type], reason: .frameCount(2), text: "has 2 frames"),
        Case(name: "too many frames", frames: valid + [Data([0])], reason: .frameCount(5), text: "has 5 frames"),
        Case(
            name: "empty version frame", frames: [Data(), type, header, payload], reason: .emptyFrame(.version),
            text: "version frame is empty"),
        Case(
            name: "wrong version", frames: [Data([7]), type, header, payload], reason: .unsupportedVersion(7),
            text: "unsupported protocol version 7 (this build speaks 1)"),
        Case(
            name: "two-byte version", frames: [Data([1, 0]), type, header, payload], reason: .versionFrameSize(2),
            text: "version frame is 2 bytes; expected 1"),
        Case(
            name: "empty type frame", frames: [version, Data(), header, payload], reason: .emptyFrame(.type),
            text: "type frame is empty"),
        Case(
            name: "unknown type", frames: [version, Data("explode".utf8), header, payload],
            reason: .unknownType("explode"), text: "unknown message type \"explode\""),
        Case(
            name: "type in the wrong case", frames: [version, Data("RESULT".utf8), header, payload],
            reason: .unknownType("RESULT"), text: "\"RESULT\""),
        Case(
            name: "type that is not UTF-8", frames: [version, Data([0xFF, 0xFE]), header, payload],
            reason: .unknownType("0xfffe"), text: "\"0xfffe\""),
        Case(
            name: "empty header frame", frames: [version, type, Data(), payload], reason: .emptyFrame(.header),
            text: "header frame is empty"),
        Case(
            name: "header that is not JSON", frames: [version, type, header("{\"task\": "), payload], reason: nil,
            text: "header is not valid JSON"),
        Case(
            name: "header that is not UTF-8", frames: [version, type, Data([0x7B, 0xFF, 0x7D]), payload], reason: nil,
            text: "header is not valid JSON"),
        Case(
            name: "header that is a JSON array", frames: [version, type, header("[1,2]"), payload],
            reason: .headerNotObject, text: "not an object"),
        Case(
            name: "header that is a JSON string", frames: [version, type, header("\"hi\""), payload],
            reason: .headerNotObject, text: "not an object"),
        Case(
            name: "bad CRC",
            frames: [
                version, type,
                header("{\"payload_crc32c\":\(checksum ^ 0x10),\"payload_length\":4096}"),
                payload,
            ],
            reason: .payloadChecksumMismatch(actual: checksum, announced: checksum ^ 0x10),
            text: "payload CRC-32C \(String(format: "0x%08x", checksum)) does not match header"),
        Case(
            name: "corrupted payload byte", frames: [version, type, header, flipped(payload, at: 1000)],
            reason: .payloadChecksumMismatch(actual: CRC32C.checksum(flipped(payload, at: 1000)), announced: checksum),
            text: "does not match header"),
        Case(
            name: "truncated payload", frames: [version, type, header, payload.prefix(10)],
            reason: .payloadLengthMismatch(actual: 10, announced: 4096), text: "payload is 10 bytes, header says 4096"),
        Case(
            name: "announced payload missing", frames: [version, type, header],
            reason: .missingPayload(announcedLength: 4096),
            text: "announces a 4096-byte payload but the message has none"),
        Case(
            name: "unannounced payload", frames: [version, type, header("{\"task\":\"t1\"}"), payload],
            reason: .unannouncedPayload(length: 4096), text: "4096-byte payload that the header does not announce"),
        Case(
            name: "length without checksum", frames: [version, type, header("{\"payload_length\":4096}"), payload],
            reason: .invalidPayloadField("payload_length is present but payload_crc32c is not"),
            text: "invalid payload announcement"),
        Case(
            name: "checksum without length", frames: [version, type, header("{\"payload_crc32c\":1}"), payload],
            reason: .invalidPayloadField("payload_crc32c is present but payload_length is not"),
            text: "invalid payload announcement"),
        Case(
            name: "negative length",
            frames: [version, type, header("{\"payload_crc32c\":1,\"payload_length\":-4}"), payload],
            reason: .invalidPayloadField("payload_length must be a non-negative integer"), text: "non-negative"),
        Case(
            name: "checksum as a string",
            frames: [version, type, header("{\"payload_crc32c\":\"e3\",\"payload_length\":4096}"), payload],
            reason: .invalidPayloadField("payload_crc32c must be an integer from 0 to 4294967295"),
            text: "payload_crc32c"),
        Case(
            name: "checksum beyond 32 bits",
            frames: [version, type, header("{\"payload_crc32c\":4294967296,\"payload_length\":4096}"), payload],
            reason: .invalidPayloadField("payload_crc32c must be an integer from 0 to 4294967295"),
            text: "payload_crc32c"),
    ]

    static func flipped(_ data: Data, at index: Int) -> Data {
        var copy = data
        copy[index] ^= 0x01
        return copy
    }
}

extension MalformedFrameTests {
    @Test func theValidBaseMessageDecodes() throws {
        let envelope = try Envelope.decode(Self.valid)
        #expect(envelope.type == .result)
        #expect(envelope.payload == Self.payload)
    }

    @Test(arguments: cases) func isRejectedWithTheRightError(_ testCase: Case) throws {
        let error = try #require(throws: FrameError.self) { try Envelope.decode(testCase.frames) }
        if let reason = testCase.reason {
            #expect(error.reason == reason)
        }
        #expect(error.peer == nil)
        #expect(error.description.contains(testCase.text), "\(error)")
    }

    /// Random truncations, bit flips and frame shuffles of valid messages: decoding either succeeds and
    /// re-encodes to the same frames, or throws; it never traps.
    @Test func randomCorruptionsNeverCrash() throws {
        var rng = CounterRNG(key: 0xBAD_F00D, stream: 0)
        let shortHeader = try Envelope(type: .ack, header: ["ok": true], payload: Data([9, 8, 7])).encode()
        var accepted = 0
        for round in 0..<3000 {
            var frames = round.isMultiple(of: 2) ? Self.valid : shortHeader
            switch rng.next() % 4 {
            case 0:
                let index = Int(rng.next() % UInt64(frames.count))
                frames[index] = frames[index].prefix(Int(rng.next() % UInt64(frames[index].count + 1)))
            case 1:
                let index = Int(rng.next() % UInt64(frames.count))
                if !frames[index].isEmpty {
                    let byte = frames[index].startIndex + Int(rng.next() % UInt64(frames[index].count))
                    frames[index][byte] ^= UInt8(1 << (rng.next() % 8))
                }
            case 2:
                frames.swapAt(Int(rng.next() % UInt64(frames.count)), Int(rng.next() % UInt64(frames.count)))
            default:
                frames.remove(at: Int(rng.next() % UInt64(frames.count)))
            }
            if let envelope = try? Envelope.decode(frames) {
                #expect(envelope.encode() == frames)
                accepted += 1
            }
        }
        // Corruptions that keep the message valid (a flipped bit inside a header string, a swap of a
        // frame with itself) exist but must be the minority.
        #expect(accepted < 1500)
    }
}
