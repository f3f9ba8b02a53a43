internal import CZeroMQ
import Foundation

extension ZMQSocket {
    /// A socket option Mnemo sets on purpose (see docs/architecture.md, "Protocol"), with its value.
    ///
    /// Durations go to libzmq in whole milliseconds, rounded up; counts and sizes must be in the ranges
    /// libzmq accepts, otherwise ``ZMQSocket/set(_:)`` throws `EINVAL`.
    public enum Option: Sendable, CustomStringConvertible {
        /// ROUTER only: fail a send to an unknown identity with `EHOSTUNREACH` instead of dropping it.
        case routerMandatory(Bool)
        /// ROUTER only: a new connection with an identity already in use takes it over, so a worker
        /// that restarts with the same identity is reachable before its old connection times out.
        case routerHandover(Bool)
        /// Messages queued per peer for sending before sends block or fail; 0 means no limit.
        case sendHighWaterMark(Int)
        /// Messages queued per peer on receipt before libzmq stops reading from it; 0 means no limit.
        case receiveHighWaterMark(Int)
        /// How long unsent messages survive a close. ``ZMQSocket/close(linger:)`` sets it anyway.
        case linger(Duration)
        /// The largest inbound frame accepted, in bytes (`nil`: no limit). libzmq checks each frame of
        /// a message, and a peer that sends a larger one is disconnected and its message discarded.
        /// Over `inproc://` no limit applies.
        case maxMessageSize(Int?)
        /// TCP keepalive: `nil` keeps the operating system's default, `true`/`false` force it.
        case tcpKeepAlive(Bool?)
        /// Idle time before the first keepalive probe, in seconds.
        case tcpKeepAliveIdle(seconds: Int)
        /// Time between keepalive probes, in seconds.
        case tcpKeepAliveInterval(seconds: Int)
        /// Unanswered probes before the connection is declared dead.
        case tcpKeepAliveCount(Int)
        /// How long a blocking send waits for queue space before failing with `EAGAIN`
        /// (`nil`: forever).
        case sendTimeout(Duration?)
        /// The first delay before reconnecting a dropped or refused connection.
        case reconnectInterval(Duration)
        /// The cap of the exponentially growing reconnect delay (`.zero`: no growth).
        case reconnectIntervalMax(Duration)
        /// CURVE: this socket is the server side (the coordinator), whose clients must know its public key.
        case curveServer(Bool)
        /// CURVE: this socket's secret key (Z85; a ``CurveKeyPair``'s).
        case curveSecretKey(String)
        /// CURVE: this socket's public key (Z85).
        case curvePublicKey(String)
        /// CURVE, client side: the server's public key (Z85).
        case curveServerKey(String)
        /// The ZAP domain: with it set, every connection is checked by the context's ZAP handler.
        case zapDomain(String)

        public var description: String {
            switch self {
            case .routerMandatory(let on): "ZMQ_ROUTER_MANDATORY=\(on)"
            case .routerHandover(let on): "ZMQ_ROUTER_HANDOVER=\(on)"
            case .sendHighWaterMark(let count): "ZMQ_SNDHWM=\(count)"
            case .receiveHighWaterMark(let count): "ZMQ_RCVHWM=\(count)"
            case .linger(let duration): "ZMQ_LINGER=\(duration)"
            case .maxMessageSize(let bytes): "ZMQ_MAXMSGSIZE=\(bytes.map(String.init) ?? "unlimited")"
            case .tcpKeepAlive(let on): "ZMQ_TCP_KEEPALIVE=\(on.map(String.init) ?? "default")"
            case .tcpKeepAliveIdle(let seconds): "ZMQ_TCP_KEEPALIVE_IDLE=\(seconds)s"
            case .tcpKeepAliveInterval(let seconds): "ZMQ_TCP_KEEPALIVE_INTVL=\(seconds)s"
            case .tcpKeepAliveCount(let count): "ZMQ_TCP_KEEPALIVE_CNT=\(count)"
            case .sendTimeout(let duration): "ZMQ_SNDTIMEO=\(duration.map(String.init(describing:)) ?? "forever")"
            case .reconnectInterval(let duration): "ZMQ_RECONNECT_IVL=\(duration)"
            case .reconnectIntervalMax(let duration): "ZMQ_RECONNECT_IVL_MAX=\(duration)"
            case .curveServer(let on): "ZMQ_CURVE_SERVER=\(on)"
            case .curveSecretKey: "ZMQ_CURVE_SECRETKEY=(secret)"
            case .curvePublicKey(let key): "ZMQ_CURVE_PUBLICKEY=\(key)"
            case .curveServerKey(let key): "ZMQ_CURVE_SERVERKEY=\(key)"
            case .zapDomain(let domain): "ZMQ_ZAP_DOMAIN=\(domain)"
            }
        }
    }

    /// Sets one option.
    ///
    /// - Throws: ``WireError`` with `EINVAL` when libzmq rejects the value or the option does not apply
    ///   to this kind of socket (``Option/routerMandatory(_:)`` on a DEALER, say).
    public func set(_ option: Option) throws(WireError) {
        let operation = "zmq_setsockopt(\(option))"
        switch option {
        case .routerMandatory(let on):
            try setOption(ZMQ_ROUTER_MANDATORY, value: Int32(on ? 1 : 0), operation: operation)
        case .routerHandover(let on):
            try setOption(ZMQ_ROUTER_HANDOVER, value: Int32(on ? 1 : 0), operation: operation)
        case .sendHighWaterMark(let count):
            try setOption(ZMQ_SNDHWM, value: Int32(clamping: count), operation: operation)
        case .receiveHighWaterMark(let count):
            try setOption(ZMQ_RCVHWM, value: Int32(clamping: count), operation: operation)
        case .linger(let duration):
            try setOption(ZMQ_LINGER, value: duration.wholeMillisecondsRoundedUp, operation: operation)
            lingerOnClose = duration
        case .maxMessageSize(let bytes):
            try setOption(ZMQ_MAXMSGSIZE, value: Int64(bytes ?? -1), operation: operation)
        case .tcpKeepAlive(let on):
            try setOption(ZMQ_TCP_KEEPALIVE, value: Int32(on.map { $0 ? 1 : 0 } ?? -1), operation: operation)
        case .tcpKeepAliveIdle(let seconds):
            try setOption(ZMQ_TCP_KEEPALIVE_IDLE, value: Int32(clamping: seconds), operation: operation)
        case .tcpKeepAliveInterval(let seconds):
            try setOption(ZMQ_TCP_KEEPALIVE_INTVL, value: Int32(clamping: seconds), operation: operation)
        case .tcpKeepAliveCount(let count):
            try setOption(ZMQ_TCP_KEEPALIVE_CNT, value: Int32(clamping: count), operation: operation)
        case .sendTimeout(let duration):
            try setOption(ZMQ_SNDTIMEO, value: duration?.wholeMillisecondsRoundedUp ?? -1, operation: operation)
        case .reconnectInterval(let duration):
            try setOption(ZMQ_RECONNECT_IVL, value: duration.wholeMillisecondsRoundedUp, operation: operation)
        case .reconnectIntervalMax(let duration):
            try setOption(ZMQ_RECONNECT_IVL_MAX, value: duration.wholeMillisecondsRoundedUp, operation: operation)
        case .curveServer(let on):
            try setOption(ZMQ_CURVE_SERVER, value: Int32(on ? 1 : 0), operation: operation)
        case .curveSecretKey(let key):
            try setOption(ZMQ_CURVE_SECRETKEY, bytes: try Self.keyBytes(key, operation: operation), operation: operation)
        case .curvePublicKey(let key):
            try setOption(ZMQ_CURVE_PUBLICKEY, bytes: try Self.keyBytes(key, operation: operation), operation: operation)
        case .curveServerKey(let key):
            try setOption(ZMQ_CURVE_SERVERKEY, bytes: try Self.keyBytes(key, operation: operation), operation: operation)
        case .zapDomain(let domain):
            try setOption(ZMQ_ZAP_DOMAIN, bytes: Data(domain.utf8), operation: operation)
        }
    }

    /// The 32 bytes of a Z85 key, or `EINVAL`.
    private static func keyBytes(_ key: String, operation: String) throws(WireError) -> Data {
        guard let bytes = CurveKeyPair.decode(key) else {
            throw WireError(operation: operation, errno: EINVAL, message: "not a CURVE key (40 Z85 characters)")
        }
        return bytes
    }
}
