/// A received message that breaks the protocol framing, or a header that cannot be encoded or decoded.
///
/// The coordinator and worker drop such a message, count it and log this error, which names the peer
/// when it is known and says exactly what was wrong:
/// `malformed message from worker-7: payload CRC-32C 0x1c291ca3 does not match header 0xe3069283`.
public struct FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The parts of a message, in wire order.
    public enum Frame: String, Sendable {
        case identity, version, type, header, payload
    }

    /// What was wrong.
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        /// Not 3 or 4 frames after the identity.
        case frameCount(Int)
        /// A message received on a ROUTER had no frames at all.
        case missingIdentity
        /// A frame that must not be empty was.
        case emptyFrame(Frame)
        /// The version frame was longer than its single byte.
        case versionFrameSize(Int)
        /// The version byte names a protocol this build does not speak.
        case unsupportedVersion(UInt8)
        /// The type frame is not the name of a ``MessageType`` (shown as text, or hex if not UTF-8).
        case unknownType(String)
        /// A frame exceeds its ``FrameLimits``.
        case frameTooLarge(Frame, size: Int, limit: Int)
        /// The header is not valid JSON (with the parser's explanation).
        case headerNotJSON(String)
        /// The header is valid JSON but not an object.
        case headerNotObject
        /// `payload_length` or `payload_crc32c` is malformed, or only one of them is present.
        case invalidPayloadField(String)
        /// A header to be sent already has a field that ``Envelope`` writes itself.
        case reservedHeaderField(String)
        /// There is a payload frame but the header announces none.
        case unannouncedPayload(length: Int)
        /// The header announces a payload but there is no payload frame.
        case missingPayload(announcedLength: Int)
        /// The payload's length differs from `payload_length`.
        case payloadLengthMismatch(actual: Int, announced: Int)
        /// The payload's CRC-32C differs from `payload_crc32c`.
        case payloadChecksumMismatch(actual: UInt32, announced: UInt32)
        /// A header value could not be encoded as JSON.
        case headerEncodingFailed(type: String, detail: String)
        /// The header does not decode as the requested type.
        case headerDecodingFailed(type: String, detail: String)

        public var description: String {
            switch self {
            case .frameCount(let count):
                "message has \(count) frames; expected 3 or 4 (version, type, header, optional payload)"
            case .missingIdentity:
                "message has no identity frame"
            case .emptyFrame(let frame):
                "\(frame.rawValue) frame is empty"
            case .versionFrameSize(let size):
                "version frame is \(size) bytes; expected 1"
            case .unsupportedVersion(let version):
                "unsupported protocol version \(version) (this build speaks \(Envelope.protocolVersion))"
            case .unknownType(let name):
                "unknown message type \"\(name)\""
            case .frameTooLarge(let frame, let size, let limit):
                "\(frame.rawValue) frame is \(size) bytes; the limit is \(limit)"
            case .headerNotJSON(let detail):
                "header is not valid JSON: \(detail)"
            case .headerNotObject:
                "header is JSON but not an object"
            case .invalidPayloadField(let detail):
                "invalid payload announcement: \(detail)"
            case .reservedHeaderField(let field):
                "header already has a \"\(field)\" field, which the envelope reserves for itself"
            case .unannouncedPayload(let length):
                "message carries a \(length)-byte payload that the header does not announce"
            case .missingPayload(let announced):
                "header announces a \(announced)-byte payload but the message has none"
            case .payloadLengthMismatch(let actual, let announced):
                "payload is \(actual) bytes, header says \(announced)"
            case .payloadChecksumMismatch(let actual, let announced):
                "payload CRC-32C \(Self.hex(actual)) does not match header \(Self.hex(announced))"
            case .headerEncodingFailed(let type, let detail):
                "cannot encode header \(type): \(detail)"
            case .headerDecodingFailed(let type, let detail):
                "header does not decode as \(type): \(detail)"
            }
        }

        private static func hex(_ value: UInt32) -> String {
            let digits = String(value, radix: 16)
            return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
        }
    }

    /// What was wrong.
    public let reason: Reason
    /// The peer that sent the message, when it came through a ROUTER.
    public let peer: PeerIdentity?

    /// An error for `reason`, optionally naming the peer.
    public init(_ reason: Reason, peer: PeerIdentity? = nil) {
        self.reason = reason
        self.peer = peer
    }

    public var description: String {
        if let peer {
            return "malformed message from \(peer): \(reason)"
        }
        return "malformed message: \(reason)"
    }
}
