import Foundation

extension ZMQSocket {
    /// Sends `envelope` as one multipart message (from a DEALER, or on any socket without routing).
    ///
    /// - Throws: ``WireError`` as the frame-level `send(_:blocking:)` does.
    public func send(_ envelope: Envelope, blocking: Bool = true) throws(WireError) {
        try send(envelope.encode(), blocking: blocking)
    }

    /// Sends `envelope` from a ROUTER to `peer`.
    ///
    /// - Throws: ``WireError``; with ``Option/routerMandatory(_:)`` set, one for which
    ///   ``WireError/isHostUnreachable`` holds when `peer` is not connected.
    public func send(_ envelope: Envelope, to peer: PeerIdentity, blocking: Bool = true) throws(WireError) {
        try send(RoutedEnvelope(peer: peer, envelope: envelope).encode(), blocking: blocking)
    }
}
