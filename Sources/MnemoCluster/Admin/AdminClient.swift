import Foundation
import MnemoStore
import MnemoWire

/// How the CLI reaches the coordinator that serves a database: through the admin endpoint written in
/// the database's lock file.
public enum AdminClient {
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
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, kind: .dealer)
        defer { socket.close() }
        try socket.set(.linger(.zero))
        try socket.connect(endpoint)
        try socket.send(Envelope(type: .admin, header: request).encode(), blocking: false)
        guard let frames = try socket.receive(timeout: timeout) else {
            throw AdminError(
                message: "the coordinator serving \(databasePath) (host \(holder.host), pid \(holder.pid)) did not answer at \(endpoint) within \(timeout)")
        }
        return try Envelope.decode(frames).decodeHeader(AdminReply.self)
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
