import ServiceLifecycle
import Synchronization
import UnixSignals

/// SIGHUP, as a request to reload configuration (the coordinator's allowlist): a service of the
/// command's group traps the signal and counts it; the blocking loop takes the request between
/// messages with ``take()``.
public final class HangupSignal: Service, Sendable {
    private let pending = Atomic<Int>(0)

    public init() {}

    /// Whether SIGHUP arrived since the last call.
    public func take() -> Bool { pending.exchange(0, ordering: .relaxed) > 0 }

    /// Counts SIGHUPs until the group shuts down.
    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            pending.add(1, ordering: .relaxed)
        }
    }
}
