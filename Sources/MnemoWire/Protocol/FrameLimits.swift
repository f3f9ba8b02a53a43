/// Size limits a received message must respect before anything in it is parsed.
public struct FrameLimits: Sendable, Equatable {
    /// The largest JSON header accepted, in bytes.
    public var maxHeaderBytes: Int
    /// The largest binary payload accepted, in bytes.
    public var maxPayloadBytes: Int

    /// Limits for both frames.
    public init(maxHeaderBytes: Int, maxPayloadBytes: Int) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxPayloadBytes = maxPayloadBytes
    }

    /// 1 MiB of header (a lease of a few thousand task specs) and 256 MiB of payload (a batch of full
    /// logit matrices).
    public static let `default` = FrameLimits(maxHeaderBytes: 1 << 20, maxPayloadBytes: 1 << 28)

    /// The largest single frame these limits allow: the value for ``ZMQSocket/Option/maxMessageSize(_:)``
    /// on a socket that receives such messages, so libzmq refuses oversized frames before buffering them.
    public var maxFrameBytes: Int { max(maxHeaderBytes, maxPayloadBytes) }
}
