internal import CZeroMQ
import Foundation

/// Handshake events of a socket, read from libzmq's socket monitor: how a worker learns that the
/// coordinator refused its key (rather than waiting for an answer that cannot come), and how a
/// coordinator learns that a peer without a key tried to connect (such peers never reach the ZAP
/// handler).
///
/// Like any socket, the monitor's PAIR socket belongs to the thread that created it.
public final class ZMQMonitor {
    /// A handshake that failed, and why.
    public enum Failure: Sendable, Equatable, CustomStringConvertible {
        /// The peer's authentication handler refused this side (ZAP status code, e.g. 400).
        case refused(status: Int)
        /// The peers did not agree on the security mechanism or its messages (one side has no CURVE key,
        /// or a wrong server key).
        case protocolMismatch(code: Int)
        /// Failed for another reason (the connection dropped during the handshake).
        case other(code: Int)

        public var description: String {
            switch self {
            case .refused(let status): "the peer refused this side's key (ZAP status \(status))"
            case .protocolMismatch: "the security handshake failed (one side has no CURVE key, or the server key is wrong)"
            case .other(let code): "the handshake failed before it completed (libzmq error \(code))"
            }
        }
    }

    /// The socket to poll; call ``failures()`` when it is readable.
    public let socket: ZMQSocket

    /// Starts monitoring `watched`'s handshake failures.
    ///
    /// - Throws: ``WireError``.
    public init(watching watched: ZMQSocket, context: ZMQContext) throws(WireError) {
        let endpoint = "inproc://mnemo-monitor-\(UInt64.random(in: 0...UInt64.max))"
        let events = ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
        let handle = try watched.openHandle("zmq_socket_monitor")
        try ZMQCall.check("zmq_socket_monitor(\(endpoint))") { zmq_socket_monitor(handle, endpoint, events) }
        socket = try ZMQSocket(context: context, kind: .pair)
        try socket.set(.linger(.zero))
        try socket.connect(endpoint)
    }

    /// The handshake failures reported since the last call.
    ///
    /// - Throws: ``WireError`` if the socket fails.
    public func failures() throws(WireError) -> [Failure] {
        var failures: [Failure] = []
        while let frames = try socket.receive(timeout: .zero) {
            // [6 bytes: UInt16 event, UInt32 value (native order)] [endpoint]
            guard let first = frames.first, first.count >= 6 else { continue }
            let event = first.withUnsafeBytes { Int32($0.loadUnaligned(as: UInt16.self)) }
            let value = first.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: 2, as: UInt32.self)) }
            switch event {
            case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: failures.append(.refused(status: value))
            case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: failures.append(.protocolMismatch(code: value))
            case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: failures.append(.other(code: value))
            default: continue
            }
        }
        return failures
    }
}
