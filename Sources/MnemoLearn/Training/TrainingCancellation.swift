import Synchronization

/// A flag another thread raises to stop a training run between batches.
///
/// Workers train on a dedicated thread, outside Swift concurrency, so `Task.isCancelled` never reaches
/// them; a worker asked to stop (SIGTERM, a revoked lease) raises this instead. The trainer checks it
/// before every batch and throws ``TrainingError/cancelled(epoch:)``, leaving BLAS between calls, so
/// the process can join the thread and exit cleanly.
public final class TrainingCancellation: Sendable {
    private let raised = Atomic<Bool>(false)
    private let graceful = Atomic<Bool>(false)

    public init() {}

    /// Asks the run to stop before its next batch.
    public func cancel() { raised.store(true, ordering: .relaxed) }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { raised.load(ordering: .relaxed) }

    /// Tells the run that its worker is stopping: it may still finish within the grace period, after
    /// which ``cancel()`` follows. The built-in engine simply goes on; an external command gets SIGTERM
    /// so that it can save a checkpoint.
    public func beginGracePeriod() { graceful.store(true, ordering: .relaxed) }

    /// Whether ``beginGracePeriod()`` was called.
    public var isInGracePeriod: Bool { graceful.load(ordering: .relaxed) }
}
