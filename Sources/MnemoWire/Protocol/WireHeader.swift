import Foundation

/// A header with a hand-written codec, for the messages sent for every task (`result`, `ack`,
/// `lease`): the same JSON as its `Codable` form, at a fraction of `JSONEncoder`/`JSONDecoder`'s cost.
///
/// ``Envelope/init(type:header:payload:limits:)-(_,WireHeader,_,_)`` and
/// ``Envelope/decodeHeader(_:)-(WireHeader.Type)`` pick these codecs over `Codable` for conforming
/// types; tests check that both forms give equal values and equal bytes.
public protocol WireHeader: Codable {
    /// Decodes a header (unknown fields ignored, `null` as absent).
    ///
    /// - Throws: ``FrameError`` with ``FrameError/Reason/headerDecodingFailed(type:detail:)`` naming
    ///   the field and where it is.
    init(headerJSON: Data) throws(FrameError)

    /// The header as compact JSON with sorted keys.
    ///
    /// - Throws: ``FrameError`` with ``FrameError/Reason/headerEncodingFailed(type:detail:)`` for a
    ///   value JSON cannot carry (a non-finite number).
    func headerJSON() throws(FrameError) -> Data
}

extension WireHeader {
    /// The header's top-level object, or the error `init(headerJSON:)` should throw.
    static func fields(of headerJSON: Data) throws(FrameError) -> HeaderFields {
        let node: JSONNode
        do {
            node = try JSONNode.parse(headerJSON)
        } catch {
            throw FrameError(.headerDecodingFailed(type: "\(Self.self)", detail: error.description))
        }
        return try HeaderFields(node, type: "\(Self.self)")
    }

    /// Writes the header with `body` and checks that JSON can carry it.
    static func written(_ body: (inout JSONWriter) -> Void) throws(FrameError) -> Data {
        var writer = JSONWriter()
        body(&writer)
        if let (key, value) = writer.nonFinite {
            throw FrameError(.headerEncodingFailed(type: "\(Self.self)", detail: "\(key) is \(value), which JSON cannot carry"))
        }
        return Data(writer.bytes)
    }
}

extension Envelope {
    /// A message whose header is written by its hand-written codec (see ``WireHeader``).
    ///
    /// - Throws: ``FrameError`` as the `Encodable` form does.
    public init<Header: WireHeader>(
        type: MessageType, header: Header, payload: Data? = nil, limits: FrameLimits = .default
    ) throws(FrameError) {
        let json = try header.headerJSON()
        guard let payload else {
            try self.init(type: type, headerJSON: json, payload: nil, limits: limits)
            return
        }
        try self.init(
            type: type, headerJSON: HeaderCoding.announcing(payload, in: json), payload: payload, limits: limits)
    }

    /// The header decoded by its hand-written codec (see ``WireHeader``).
    ///
    /// - Throws: ``FrameError`` with ``FrameError/Reason/headerDecodingFailed(type:detail:)``.
    public func decodeHeader<Header: WireHeader>(_ headerType: Header.Type = Header.self) throws(FrameError) -> Header {
        try Header(headerJSON: header)
    }
}
