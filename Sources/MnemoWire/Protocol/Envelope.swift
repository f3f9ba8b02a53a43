import Foundation

/// One protocol message: its type, its JSON header and an optional binary payload.
///
/// On the wire a message is the multipart `[version, type, header, payload?]`: a single byte
/// ``protocolVersion``, the UTF-8 ``MessageType`` name, a JSON object, and the payload if there is
/// one. A header that comes with a payload carries `payload_length` and `payload_crc32c` (CRC-32C of
/// the payload, as an unsigned integer), which the envelope writes itself and checks on receipt.
///
/// An `Envelope` is always valid: both initialisers check the header and the payload announcement,
/// so ``encode()`` never produces frames that ``decode(_:limits:)`` would reject.
///
/// Header structs use lowerCamelCase properties that travel as snake_case; spell acronyms as words
/// (`taskId`, not `taskID`), since `taskID` would not decode back. Dates travel as integer
/// milliseconds since 1970.
///
/// ```swift
/// struct Hello: Codable { var workerId: String; var cores: Int }
/// try dealer.send(Envelope(type: .hello, header: Hello(workerId: "w1", cores: 8)))
///
/// if let frames = try router.receive(timeout: .seconds(1)) {
///     do {
///         let message = try RoutedEnvelope.decode(frames)
///         let hello = try message.envelope.decodeHeader(Hello.self)
///     } catch {
///         // FrameError: drop the message, count it, log `error` (it names the peer)
///     }
/// }
/// ```
public struct Envelope: Sendable, Equatable {
    /// The protocol version this build speaks and sends.
    public static let protocolVersion: UInt8 = 1

    /// The message type.
    public let type: MessageType
    /// The header exactly as sent: a JSON object, including the payload announcement if any.
    public let header: Data
    /// The binary payload, if the message has one.
    public let payload: Data?

    /// A message whose header is `header` encoded as a JSON object, announcing `payload` if given.
    ///
    /// - Parameters:
    ///   - type: the message type.
    ///   - header: any value that encodes as a JSON object (a struct, or a dictionary keyed by strings),
    ///     without `payload_length` or `payload_crc32c` fields.
    ///   - payload: binary data to send after the header.
    ///   - limits: the sizes the receiver accepts.
    /// - Throws: ``FrameError`` if the header cannot be encoded, is not an object, uses a reserved
    ///   field, or a frame exceeds `limits`.
    public init(
        type: MessageType, header: some Encodable, payload: Data? = nil, limits: FrameLimits = .default
    ) throws(FrameError) {
        let json: Data
        do {
            json = try HeaderCoding.makeEncoder().encode(header)
        } catch {
            throw FrameError(
                .headerEncodingFailed(type: String(describing: Swift.type(of: header)), detail: "\(error)"))
        }
        if try HeaderCoding.announcement(in: json) != nil {
            throw FrameError(.reservedHeaderField(HeaderCoding.payloadLengthField))
        }
        guard let payload else {
            try self.init(type: type, headerJSON: json, payload: nil, limits: limits)
            return
        }
        guard json.last == UInt8(ascii: "}") else {
            throw FrameError(.headerNotObject)
        }
        try self.init(
            type: type, headerJSON: HeaderCoding.announcing(payload, in: json), payload: payload, limits: limits)
    }

    /// A message from a header that is already JSON, checked as ``decode(_:limits:)`` checks it.
    ///
    /// - Parameters:
    ///   - headerJSON: a JSON object that announces `payload` (if any) with `payload_length` and
    ///     `payload_crc32c`.
    ///   - payload: the binary payload.
    ///   - limits: the largest header and payload accepted.
    /// - Throws: ``FrameError`` naming the first problem found.
    public init(type: MessageType, headerJSON: Data, payload: Data?, limits: FrameLimits = .default) throws(FrameError)
    {
        guard !headerJSON.isEmpty else {
            throw FrameError(.emptyFrame(.header))
        }
        guard headerJSON.count <= limits.maxHeaderBytes else {
            throw FrameError(.frameTooLarge(.header, size: headerJSON.count, limit: limits.maxHeaderBytes))
        }
        if let payload, payload.count > limits.maxPayloadBytes {
            throw FrameError(.frameTooLarge(.payload, size: payload.count, limit: limits.maxPayloadBytes))
        }
        let announcement = try HeaderCoding.announcement(in: headerJSON)
        switch (announcement, payload) {
        case (nil, nil):
            break
        case (nil, let payload?):
            throw FrameError(.unannouncedPayload(length: payload.count))
        case (let announcement?, nil):
            throw FrameError(.missingPayload(announcedLength: announcement.length))
        case (let announcement?, let payload?):
            guard payload.count == announcement.length else {
                throw FrameError(.payloadLengthMismatch(actual: payload.count, announced: announcement.length))
            }
            let checksum = CRC32C.checksum(payload)
            guard checksum == announcement.checksum else {
                throw FrameError(.payloadChecksumMismatch(actual: checksum, announced: announcement.checksum))
            }
        }
        self.type = type
        self.header = headerJSON
        self.payload = payload
    }

    /// The frames to send: `[version, type, header]` plus the payload if there is one.
    public func encode() -> [Data] {
        var frames = [Data([Self.protocolVersion]), Data(type.rawValue.utf8), header]
        if let payload {
            frames.append(payload)
        }
        return frames
    }

    /// Parses and checks the frames of a received message (without a ROUTER's identity frame; see
    /// ``RoutedEnvelope/decode(_:limits:)`` for those).
    ///
    /// Checks, in order: 3 or 4 frames; a one-byte version equal to ``protocolVersion``; a known
    /// type; a non-empty header within `limits`; a payload within `limits`; a header that is a JSON
    /// object; a payload present exactly when announced, with the announced length and CRC-32C.
    ///
    /// - Throws: ``FrameError`` naming the first problem found.
    public static func decode(_ frames: [Data], limits: FrameLimits = .default) throws(FrameError) -> Envelope {
        guard frames.count == 3 || frames.count == 4 else {
            throw FrameError(.frameCount(frames.count))
        }
        let version = frames[0]
        guard let versionByte = version.first else {
            throw FrameError(.emptyFrame(.version))
        }
        guard version.count == 1 else {
            throw FrameError(.versionFrameSize(version.count))
        }
        guard versionByte == protocolVersion else {
            throw FrameError(.unsupportedVersion(versionByte))
        }
        let typeFrame = frames[1]
        guard !typeFrame.isEmpty else {
            throw FrameError(.emptyFrame(.type))
        }
        guard let type = MessageType(rawValue: String(decoding: typeFrame, as: UTF8.self)) else {
            throw FrameError(.unknownType(printable(typeFrame)))
        }
        return try Envelope(
            type: type, headerJSON: frames[2], payload: frames.count == 4 ? frames[3] : nil, limits: limits)
    }

    /// The header decoded as `Header`; fields it does not declare (such as the payload announcement)
    /// are ignored.
    ///
    /// - Throws: ``FrameError`` with ``FrameError/Reason/headerDecodingFailed(type:detail:)``, saying
    ///   which field is missing or has the wrong type.
    public func decodeHeader<Header: Decodable>(_ headerType: Header.Type = Header.self) throws(FrameError) -> Header {
        do {
            return try HeaderCoding.makeDecoder().decode(Header.self, from: header)
        } catch let error as DecodingError {
            throw FrameError(.headerDecodingFailed(type: "\(Header.self)", detail: HeaderCoding.describe(error)))
        } catch {
            throw FrameError(.headerDecodingFailed(type: "\(Header.self)", detail: "\(error)"))
        }
    }

    /// At most 64 bytes of an unrecognised frame, as text if it is UTF-8, else as hex.
    private static func printable(_ frame: Data) -> String {
        let shown = frame.prefix(64)
        let ellipsis = frame.count > shown.count ? "…" : ""
        if let text = String(data: shown, encoding: .utf8) {
            return text + ellipsis
        }
        return shown.hexDescription + ellipsis
    }
}
