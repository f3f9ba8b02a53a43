import Foundation

/// A message as a ROUTER sees it: the peer's identity and the envelope.
///
/// A ROUTER receives `[identity, version, type, header, payload?]` and sends the same shape, the
/// identity frame choosing the peer.
public struct RoutedEnvelope: Sendable, Equatable {
    /// The peer the message came from or goes to.
    public let peer: PeerIdentity
    /// The message itself.
    public let envelope: Envelope

    /// A message for (or from) `peer`.
    public init(peer: PeerIdentity, envelope: Envelope) {
        self.peer = peer
        self.envelope = envelope
    }

    /// Splits the identity off the frames received on a ROUTER and decodes the rest.
    ///
    /// - Throws: ``FrameError`` naming the peer (when there is an identity) and the problem found by
    ///   ``Envelope/decode(_:limits:)``.
    public static func decode(_ frames: [Data], limits: FrameLimits = .default) throws(FrameError) -> RoutedEnvelope {
        guard let identity = frames.first else {
            throw FrameError(.missingIdentity)
        }
        guard !identity.isEmpty else {
            throw FrameError(.emptyFrame(.identity))
        }
        let peer = PeerIdentity(identity)
        do throws(FrameError) {
            return RoutedEnvelope(peer: peer, envelope: try Envelope.decode(Array(frames.dropFirst()), limits: limits))
        } catch {
            throw FrameError(error.reason, peer: peer)
        }
    }

    /// The frames a ROUTER sends: the identity, then ``Envelope/encode()``.
    public func encode() -> [Data] {
        [peer.bytes] + envelope.encode()
    }
}
