import MnemoWire

/// An admin client waiting for an answer the loop sends later (a submission once registered, a live
/// aggregate once copied), and the socket its request came on.
struct AdminPeer: Hashable, Sendable {
    let identity: PeerIdentity
    /// Whether the request came on the TCP admin socket (else the local `ipc://` one).
    let remote: Bool
}
