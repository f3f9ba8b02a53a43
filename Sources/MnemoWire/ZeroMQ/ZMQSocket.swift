internal import CZeroMQ
import Foundation

/// A libzmq socket, closed in `deinit` (or earlier by ``close(linger:)``).
///
/// Sockets are not thread-safe: each one belongs to a single thread or task for its whole life, which
/// is why this class is not `Sendable`. Create it where it is used (inside the dedicated thread or
/// task), or hand it over once as a `sending` value. The socket holds a strong reference to its
/// ``ZMQContext`` so that the context, whose termination waits for all its sockets, outlives it.
///
/// ```swift
/// let context = try ZMQContext()
/// let router = try ZMQSocket(context: context, kind: .router)
/// try router.set(.routerMandatory(true))
/// try router.bind("tcp://127.0.0.1:*")
/// let endpoint = try router.lastEndpoint   // "tcp://127.0.0.1:41234"
/// if let frames = try router.receive(timeout: .seconds(1)) { … }
/// ```
public final class ZMQSocket {
    /// The ZeroMQ socket types Mnemo uses.
    public enum Kind: Sendable, CustomStringConvertible {
        /// Routes by peer identity: the coordinator's socket.
        case router
        /// Load-balances outgoing and fair-queues incoming messages: a worker's socket.
        case dealer
        /// One-to-one, typically over `inproc://` to wake a thread that is polling.
        case pair
        /// Sends to pullers round-robin.
        case push
        /// Receives from pushers.
        case pull
        /// Answers requests one at a time: the ZAP handler's socket.
        case rep

        var zmqType: Int32 {
            switch self {
            case .router: ZMQ_ROUTER
            case .dealer: ZMQ_DEALER
            case .pair: ZMQ_PAIR
            case .push: ZMQ_PUSH
            case .pull: ZMQ_PULL
            case .rep: ZMQ_REP
            }
        }

        public var description: String {
            switch self {
            case .router: "ROUTER"
            case .dealer: "DEALER"
            case .pair: "PAIR"
            case .push: "PUSH"
            case .pull: "PULL"
            case .rep: "REP"
            }
        }
    }

    /// The socket type.
    public let kind: Kind
    private let context: ZMQContext
    private var handle: UnsafeMutableRawPointer?
    /// The linger last set (``Option/linger(_:)``), which `deinit` closes with: a socket told to let its
    /// last messages leave (a worker's `bye`) keeps that wish when it is released rather than closed.
    var lingerOnClose: Duration = .zero

    /// Creates a socket of `kind` in `context`.
    ///
    /// - Throws: ``WireError`` if libzmq refuses, for instance when the context has too many sockets.
    public init(context: ZMQContext, kind: Kind) throws(WireError) {
        handle = try ZMQCall.retrying("zmq_socket(\(kind))") { zmq_socket(context.handle, kind.zmqType) }
        self.context = context
        self.kind = kind
    }

    deinit {
        close(linger: lingerOnClose)
    }

    /// Whether ``close(linger:)`` has been called.
    public var isClosed: Bool { handle == nil }

    /// Accepts connections on `endpoint`, such as `tcp://*:5555`, `tcp://127.0.0.1:*` (any free port,
    /// see ``lastEndpoint``), `ipc:///tmp/mnemo.sock` or `inproc://name`.
    ///
    /// - Throws: ``WireError``, for example `EADDRINUSE` or `EINVAL` for a malformed endpoint.
    public func bind(_ endpoint: String) throws(WireError) {
        let socket = try openHandle("zmq_bind(\(endpoint))")
        try ZMQCall.check("zmq_bind(\(endpoint))") { zmq_bind(socket, endpoint) }
    }

    /// Connects to `endpoint`. libzmq connects (and reconnects) in the background, so this succeeds
    /// before any peer is listening.
    ///
    /// - Throws: ``WireError``, for example `EINVAL` for a malformed endpoint.
    public func connect(_ endpoint: String) throws(WireError) {
        let socket = try openHandle("zmq_connect(\(endpoint))")
        try ZMQCall.check("zmq_connect(\(endpoint))") { zmq_connect(socket, endpoint) }
    }

    /// Sets the identity this socket announces to the ROUTERs it connects to (`ZMQ_ROUTING_ID`).
    /// Call it before ``connect(_:)``.
    ///
    /// - Throws: ``WireError`` with `EINVAL` when the identity is empty, longer than 255 bytes or starts
    ///   with a zero byte (see ``PeerIdentity/isValidForAnnouncing``).
    public func setIdentity(_ identity: PeerIdentity) throws(WireError) {
        let operation = "zmq_setsockopt(ZMQ_ROUTING_ID, \(identity))"
        guard identity.isValidForAnnouncing else {
            throw WireError(
                operation: operation, errno: EINVAL,
                message: "an identity must be 1 to 255 bytes and must not start with a zero byte")
        }
        try setOption(ZMQ_ROUTING_ID, bytes: identity.bytes, operation: operation)
    }

    /// The endpoint of the last ``bind(_:)`` or ``connect(_:)``, with wildcards resolved: after binding
    /// `tcp://127.0.0.1:*` this reads `tcp://127.0.0.1:` and the port the system chose.
    ///
    /// - Throws: ``WireError`` if the socket is closed.
    public var lastEndpoint: String {
        get throws(WireError) {
            let operation = "zmq_getsockopt(ZMQ_LAST_ENDPOINT)"
            let socket = try openHandle(operation)
            var buffer = [UInt8](repeating: 0, count: 1024)
            var size = buffer.count
            try ZMQCall.check(operation) { zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, &buffer, &size) }
            return String(decoding: buffer.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }

    /// Sends one multipart message: every frame but the last goes with `ZMQ_SNDMORE`.
    ///
    /// A blocking send waits while the peer's queue is at its high-water mark (up to the
    /// ``Option/sendTimeout(_:)``); a non-blocking one throws `EAGAIN` instead. On a ROUTER with
    /// ``Option/routerMandatory(_:)``, an unknown identity in the first frame throws `EHOSTUNREACH`.
    /// libzmq delivers a multipart message whole or not at all, and these errors can only arise on the
    /// first frame, so a failed send leaves nothing half-sent.
    ///
    /// - Parameters:
    ///   - frames: the message parts; at least one.
    ///   - blocking: whether to wait for queue space rather than fail with `EAGAIN`.
    /// - Throws: ``WireError`` (see ``WireError/isHostUnreachable`` and ``WireError/isWouldBlock``).
    public func send(_ frames: [Data], blocking: Bool = true) throws(WireError) {
        let socket = try openHandle("zmq_msg_send")
        guard !frames.isEmpty else {
            throw WireError(operation: "zmq_msg_send", errno: EINVAL, message: "a message needs at least one frame")
        }
        for (index, frame) in frames.enumerated() {
            var flags: Int32 = index == frames.count - 1 ? 0 : ZMQ_SNDMORE
            if !blocking {
                flags |= ZMQ_DONTWAIT
            }
            try send(frame, flags: flags, on: socket, operation: "zmq_msg_send(frame \(index + 1) of \(frames.count))")
        }
    }

    /// Waits up to `timeout` for a message and returns all its frames, or `nil` if none arrived in time.
    ///
    /// A zero timeout only checks. Interrupted waits resume with the time that is left.
    ///
    /// - Throws: ``WireError`` if the socket is closed or libzmq fails.
    public func receive(timeout: Duration) throws(WireError) -> [Data]? {
        try receiveMessage(timeout: timeout)?.frames
    }

    /// Like ``receive(timeout:)``, with the user id the context's ZAP handler gave the sending
    /// connection (nil without one): which CURVE key sent the message.
    ///
    /// - Throws: ``WireError`` if the socket is closed or libzmq fails.
    public func receiveMessage(timeout: Duration) throws(WireError) -> (frames: [Data], userID: String?)? {
        let socket = try openHandle("zmq_msg_recv")
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            var item = [zmq_pollitem_t(socket: socket, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)]
            guard try ZMQPoller.poll(&item, until: deadline) > 0 else {
                return nil
            }
            // A message is atomic: once its first frame is readable, the rest are already queued.
            if let frames = try receiveAvailableMessage(on: socket) {
                return frames
            }
        }
    }

    /// Closes the socket now instead of in `deinit`; later calls throw ``WireError`` with `ENOTSOCK`.
    ///
    /// - Parameter linger: how long unsent messages may still be delivered in the background. The
    ///   context's termination waits for them, so keep it short; `.zero` drops them at once. `deinit`
    ///   uses the linger last set (zero when none was). A worker saying `bye` before exiting passes a
    ///   few hundred milliseconds.
    public func close(linger: Duration = .zero) {
        guard let socket = handle else { return }
        var milliseconds = linger.wholeMillisecondsRoundedUp
        // Neither call can fail on a live handle other than by EINTR, which they do not report.
        zmq_setsockopt(socket, ZMQ_LINGER, &milliseconds, MemoryLayout<Int32>.size)
        zmq_close(socket)
        handle = nil
    }

    /// The live C handle, or `ENOTSOCK` after ``close(linger:)``.
    func openHandle(_ operation: @autoclosure () -> String) throws(WireError) -> UnsafeMutableRawPointer {
        guard let handle else {
            throw WireError(operation: operation(), errno: ENOTSOCK, message: "the socket is closed")
        }
        return handle
    }

    func setOption(_ option: Int32, bytes: Data, operation: String) throws(WireError) {
        let socket = try openHandle(operation)
        try ZMQCall.check(operation) {
            bytes.withUnsafeBytes { zmq_setsockopt(socket, option, $0.baseAddress, $0.count) }
        }
    }

    func setOption<Value: FixedWidthInteger>(_ option: Int32, value: Value, operation: String) throws(WireError) {
        let socket = try openHandle(operation)
        var value = value
        try ZMQCall.check(operation) { zmq_setsockopt(socket, option, &value, MemoryLayout<Value>.size) }
    }

    private func send(_ frame: Data, flags: Int32, on socket: UnsafeMutableRawPointer, operation: String)
        throws(WireError)
    {
        var message = zmq_msg_t()
        try ZMQCall.check("zmq_msg_init_size(\(frame.count))") { zmq_msg_init_size(&message, frame.count) }
        UnsafeMutableRawBufferPointer(start: zmq_msg_data(&message), count: frame.count).copyBytes(from: frame)
        do throws(WireError) {
            try ZMQCall.check(operation) { zmq_msg_send(&message, socket, flags) }
        } catch {
            // A sent message belongs to libzmq; an unsent one is still ours to release.
            zmq_msg_close(&message)
            throw error
        }
    }

    /// Reads every frame of the next message without waiting, or `nil` if none is queued after all
    /// (`zmq_poll` may report readiness that a concurrent state change has taken back).
    private func receiveAvailableMessage(on socket: UnsafeMutableRawPointer) throws(WireError) -> (
        frames: [Data], userID: String?
    )? {
        var frames: [Data] = []
        var userID: String?
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            do throws(WireError) {
                try ZMQCall.check("zmq_msg_recv(frame \(frames.count + 1))") {
                    zmq_msg_recv(&message, socket, ZMQ_DONTWAIT)
                }
            } catch  where error.isWouldBlock && frames.isEmpty {
                return nil
            }
            let size = zmq_msg_size(&message)
            if userID == nil, let property = zmq_msg_gets(&message, "User-Id") {
                userID = String(cString: property)
            }
            frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(&message), count: size))
            if zmq_msg_more(&message) == 0 {
                return (frames, userID)
            }
        }
    }
}
