/// How a worker connects and when it gives up.
public struct WorkerOptions: Sendable {
    /// The coordinator's endpoint, e.g. `tcp://head:5555`.
    public var endpoint: String
    /// Stable identity of this worker on the coordinator's ROUTER socket.
    public var workerID: String
    /// In local mode, the coordinator's process id: the worker exits when that process is gone.
    public var parentPID: Int32?
    /// How often to heartbeat.
    public var heartbeat: Duration = .seconds(1)
    /// Resend unacknowledged results after this long without an acknowledgement.
    public var resendAfter: Duration = .seconds(10)

    public init(endpoint: String, workerID: String, parentPID: Int32?) {
        self.endpoint = endpoint
        self.workerID = workerID
        self.parentPID = parentPID
    }
}
