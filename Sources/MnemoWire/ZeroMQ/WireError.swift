import Foundation

/// A failed libzmq call: which operation, the `errno` it reported and libzmq's text for it.
///
/// Every C call in `MnemoWire` goes through one checker that retries `EINTR` and throws this for
/// anything else, so a caller never sees a raw return code. Compare ``errno`` with the C constants
/// (`EHOSTUNREACH`, `EAGAIN`, …) or use the predicates for the cases a message loop reacts to.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was attempted, with its argument where there is one: `zmq_bind(tcp://*:5555)`.
    public let operation: String
    /// The error number from `zmq_errno()` (libzmq's own numbers sit above `ZMQ_HAUSNUMERO`).
    public let errno: Int32
    /// Human-readable text, from `zmq_strerror` unless the wrapper rejected the call itself.
    public let message: String

    /// An error with an explicit message.
    public init(operation: String, errno: Int32, message: String) {
        self.operation = operation
        self.errno = errno
        self.message = message
    }

    /// A ROUTER with `ROUTER_MANDATORY` was asked to send to an identity that is not connected.
    public var isHostUnreachable: Bool { errno == EHOSTUNREACH }

    /// A non-blocking send found the queue full, or a send timed out (`EAGAIN`).
    public var isWouldBlock: Bool { errno == EAGAIN }

    /// The socket was already closed by ``ZMQSocket/close(linger:)``.
    public var isClosed: Bool { errno == ENOTSOCK }

    public var description: String {
        "ZeroMQ error in \(operation): \(message) (errno \(errno))"
    }
}
