import Foundation
import MnemoStore
import MnemoWire

/// How the CLI reaches a coordinator: the one serving a database, through the admin endpoint written
/// in the database's lock file, or one on another machine through its TCP admin endpoint with CURVE.
public enum AdminClient {
    /// An admin's CURVE identity for a TCP admin endpoint: its key pair (`--key`) and the coordinator's
    /// public key (`--server-key`).
    public struct Credentials: Sendable {
        public var keyPair: CurveKeyPair
        public var serverKey: String

        public init(keyPair: CurveKeyPair, serverKey: String) {
            self.keyPair = keyPair
            self.serverKey = serverKey
        }
    }

    /// Sends `request` to the coordinator serving `databasePath` and waits for its reply.
    ///
    /// - Returns: the reply, or nil when no coordinator serves the database.
    /// - Throws: ``AdminError`` when a coordinator holds the lock but does not answer in time, or
    ///   `WireError`.
    public static func send(_ request: AdminRequest, databasePath: String, timeout: Duration = .seconds(15)) throws
        -> AdminReply?
    {
        guard let holder = DatabaseLock.holder(databasePath: databasePath) else { return nil }
        // A lock file whose text was lost still has a holder: its endpoint is where coordinators bind.
        let endpoint = holder.endpoint ?? AdminEndpoint.forDatabase(databasePath)
        return try send(
            request, endpoint: endpoint, credentials: nil, timeout: timeout,
            silence: "the coordinator serving \(databasePath) (host \(holder.host), pid \(holder.pid)) did not answer at \(endpoint) within \(timeout)")
    }

    /// Sends `request` to the coordinator's admin endpoint `endpoint` (`tcp://HOST:PORT`, CURVE) and
    /// waits for its reply.
    ///
    /// - Throws: ``AdminError`` when the coordinator refuses the key or does not answer in time, or
    ///   `WireError`.
    public static func send(
        _ request: AdminRequest, endpoint: String, credentials: Credentials, timeout: Duration = .seconds(15)
    ) throws -> AdminReply {
        try send(
            request, endpoint: endpoint, credentials: credentials, timeout: timeout,
            silence: "no coordinator answered at \(endpoint) within \(timeout): is it started with --admin-bind on that "
                + "address, and is --server-key its public key?")
    }

    private static func send(
        _ request: AdminRequest, endpoint: String, credentials: Credentials?, timeout: Duration, silence: String
    ) throws -> AdminReply {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, kind: .dealer)
        defer { socket.close() }
        try socket.set(.linger(.zero))
        if let credentials {
            try socket.set(.curveSecretKey(credentials.keyPair.secretKey))
            try socket.set(.curvePublicKey(credentials.keyPair.publicKey))
            try socket.set(.curveServerKey(credentials.serverKey))
        }
        let monitor = try credentials.map { _ in try ZMQMonitor(watching: socket, context: context) }
        defer { monitor?.socket.close() }
        try socket.connect(endpoint)
        let frames = try Envelope(type: .admin, header: request).encode()
        // A refused handshake can tear the connection down before the request is queued: the send then
        // cannot go out, and is tried again while the monitor says why.
        func sendOnce() throws -> Bool {
            do {
                try socket.send(frames, blocking: false)
                return true
            } catch {
                guard error.isWouldBlock else { throw error }
                return false
            }
        }
        var sent = try sendOnce()
        let poller = ZMQPoller([socket] + (monitor.map { [$0.socket] } ?? []))
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !sent { sent = try sendOnce() }
            let ready = try poller.poll(timeout: min(.milliseconds(200), deadline - ContinuousClock.now))
            if ready.contains(0), let frames = try socket.receive(timeout: .zero) {
                let envelope = try Envelope.decode(frames, limits: AdminReply.limits)
                var reply = try envelope.decodeHeader(AdminReply.self)
                reply.payload = envelope.payload
                return reply
            }
            if ready.contains(1), let monitor {
                for failure in try monitor.failures() {
                    switch failure {
                    case .refused:
                        throw AdminError(
                            message: "the coordinator at \(endpoint) refused this key: add its public key to the coordinator's --allow-admin list")
                    case .protocolMismatch:
                        throw AdminError(
                            message: "the CURVE handshake with \(endpoint) failed: is --server-key the coordinator's public key, "
                                + "and does it serve admin commands there (--admin-bind)?")
                    case .other:
                        continue
                    }
                }
            }
        }
        throw AdminError(message: silence)
    }
}

/// An admin command could not be carried out.
public struct AdminError: Error, CustomStringConvertible {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
