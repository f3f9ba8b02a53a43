/// A sweep submitted to a running coordinator sends larger messages than the coordinator's socket
/// accepts: the limit is fixed when the socket is bound (libzmq copies it into the listener).
public struct FrameLimitError: Error, CustomStringConvertible {
    public let sweepID: String
    /// Bytes its largest message may take.
    public let needed: Int
    /// Bytes the running coordinator accepts per frame.
    public let limit: Int

    public var description: String {
        "sweep \(sweepID) sends messages of up to \(needed >> 10) KiB, and this coordinator accepts \(limit >> 10) KiB "
            + "(fixed when it started); it is registered: restart the coordinator to serve it"
    }
}
