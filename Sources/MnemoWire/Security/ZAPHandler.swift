import Foundation

/// The ZeroMQ authentication (ZAP, RFC 27) handler of a context: libzmq asks it about every connection
/// to a socket with a ZAP domain, and it lets in only CURVE clients whose public key it allows. The
/// accepted key (Z85) becomes the connection's user id, which every message from it carries
/// (``ZMQSocket/receiveMessage(timeout:)``), so the coordinator knows which key sent what.
///
/// Its socket belongs to the thread that polls it (the coordinator's loop), like any socket.
public final class ZAPHandler {
    /// Where libzmq sends ZAP requests, in the handler's context.
    public static let endpoint = "inproc://zeromq.zap.01"
    /// The ZAP domain of a coordinator's worker socket.
    public static let workerDomain = "mnemo"
    /// The ZAP domain of a coordinator's TCP admin socket: only admin keys may connect to it.
    public static let adminDomain = "mnemo-admin"

    /// A connection the handler decided on, for the log.
    public struct Decision: Sendable, Equatable {
        /// The ZAP domain of the socket it connected to (which allowlist applies).
        public let domain: String
        /// The peer's address (IP), as libzmq reports it.
        public let address: String
        /// The client's public key (Z85), if it offered CURVE.
        public let publicKey: String?
        public let accepted: Bool
        /// Why it was refused, in words.
        public let reason: String
    }

    /// The socket to poll; call ``answerPending(allows:)`` when it is readable.
    public let socket: ZMQSocket

    /// Binds the handler in `context` (one per context).
    ///
    /// - Throws: ``WireError``, `EADDRINUSE` when the context has a handler already.
    public init(context: ZMQContext) throws(WireError) {
        socket = try ZMQSocket(context: context, kind: .rep)
        try socket.set(.linger(.zero))
        try socket.bind(Self.endpoint)
    }

    /// Answers every queued request: CURVE clients whose key `allows` accepts for the socket's ZAP domain
    /// get in, every other connection is refused.
    ///
    /// - Parameter allows: `(domain, public key)` → whether the key may connect to sockets of that domain.
    /// - Returns: what was decided, in order.
    /// - Throws: ``WireError`` if the socket fails.
    public func answerPending(allows: (_ domain: String, _ key: String) -> Bool) throws(WireError) -> [Decision] {
        var decisions: [Decision] = []
        while let frames = try socket.receive(timeout: .zero) {
            // [version, request id, domain, address, routing id, mechanism, credentials…]
            guard frames.count >= 6 else {
                try socket.send([Data("1.0".utf8), frames.count > 1 ? frames[1] : Data(), Data("500".utf8), Data("malformed request".utf8), Data(), Data()])
                continue
            }
            let domain = String(decoding: frames[2], as: UTF8.self)
            let address = String(decoding: frames[3], as: UTF8.self)
            let mechanism = String(decoding: frames[5], as: UTF8.self)
            var decision = Decision(
                domain: domain, address: address, publicKey: nil, accepted: false, reason: "no CURVE key (mechanism \(mechanism))")
            if mechanism == "CURVE", frames.count >= 7, let key = CurveKeyPair.encode(frames[6]) {
                let accepted = allows(domain, key)
                decision = Decision(
                    domain: domain, address: address, publicKey: key, accepted: accepted,
                    reason: accepted ? "allowed" : "key not in the \(domain == Self.adminDomain ? "admin " : "")allowlist")
            }
            try socket.send([
                Data("1.0".utf8), frames[1], Data((decision.accepted ? "200" : "400").utf8), Data(decision.reason.utf8),
                Data((decision.accepted ? decision.publicKey ?? "" : "").utf8), Data(),
            ])
            decisions.append(decision)
        }
        return decisions
    }
}
