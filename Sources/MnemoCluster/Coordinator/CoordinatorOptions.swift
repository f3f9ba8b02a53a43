/// Timing and policy of a coordinator; the defaults follow DESIGN.md (heartbeats every ~1 s, a worker
/// silent for ~5 s is dead).
public struct CoordinatorOptions: Sendable {
    /// Endpoints to bind, e.g. `tcp://*:5555` or `ipc:///tmp/mnemo.sock`.
    public var endpoints: [String]
    /// How often the coordinator checks liveness and leases, and expects worker heartbeats.
    public var heartbeat: Duration = .seconds(1)
    /// A worker not heard from for this long is dead and its leases return to pending.
    public var workerTimeout: Duration = .seconds(5)
    /// A lease not extended by a heartbeat for this long expires.
    public var leaseDuration: Duration = .seconds(30)
    /// Application failures (for example divergence) before a task is quarantined.
    public var maxFailures: Int = 3

    public init(endpoints: [String]) {
        self.endpoints = endpoints
    }
}
