import Foundation

/// The routing identity of a peer: what a DEALER announces with ``ZMQSocket/setIdentity(_:)`` and the
/// first frame a ROUTER receives from it and sends back to it.
public struct PeerIdentity: Hashable, Sendable, CustomStringConvertible {
    /// The identity as it travels on the wire.
    public let bytes: Data

    /// An identity from raw bytes, for instance the first frame of a message received on a ROUTER.
    public init(_ bytes: Data) {
        self.bytes = bytes
    }

    /// An identity from the UTF-8 bytes of `name`, such as `"worker-host-4711"`.
    public init(_ name: String) {
        self.bytes = Data(name.utf8)
    }

    /// Whether a socket may announce this identity: 1 to 255 bytes, not starting with a zero byte
    /// (libzmq reserves those for the identities a ROUTER makes up for anonymous peers).
    public var isValidForAnnouncing: Bool {
        (1...255).contains(bytes.count) && bytes.first != 0
    }

    /// The identity as text when it is printable UTF-8, otherwise as `0x` and hex digits.
    public var description: String {
        if let text = String(data: bytes, encoding: .utf8), !text.isEmpty,
            !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            return text
        }
        return bytes.hexDescription
    }
}
