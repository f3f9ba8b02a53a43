import Synchronization

/// Asks a blocking loop (the coordinator's, a worker's) to stop between messages. Raised by the
/// service that runs the loop when its service group shuts down gracefully (SIGTERM, SIGINT), and by
/// local mode for its own reasons; the loop polls it.
public final class StopFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    /// Whether a stop was requested.
    public var isRaised: Bool { raised.load(ordering: .relaxed) }

    /// Requests a stop.
    public func raise() { raised.store(true, ordering: .relaxed) }
}
