import Foundation
import Logging
import MnemoCore
import MnemoStore
import MnemoWire

/// Local mode: the coordinator in this process and N worker processes of the same binary, talking the
/// cluster protocol over an `ipc://` socket.
public enum LocalRun {
    /// Serves `session` with `workers` local worker processes until the sweep is finished or stopped,
    /// keeping live aggregates within `aggregateMemory` bytes (``CoordinatorOptions/aggregateMemoryBytes``).
    ///
    /// - Throws: ``LocalWorkersError`` when no worker can start, or what the coordinator throws.
    public static func execute(
        session: SweepSession, workers: Int, threads: Int, showProgress: Bool,
        aggregateMemory: Int = CoordinatorOptions.defaultAggregateMemoryBytes, stop: StopFlag, logger: Logger
    ) throws -> CoordinatorExit {
        let socketDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mnemo-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: socketDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: socketDirectory) }
        let endpoint = "ipc://" + socketDirectory.appendingPathComponent("coordinator.sock").path
        let context = try ZMQContext()
        var options = CoordinatorOptions(endpoints: [endpoint])
        options.giveUpWithoutEligibleWorkers = true
        options.adminEndpoint = AdminEndpoint.forDatabase(session.store.path)
        options.aggregateMemoryBytes = aggregateMemory
        let coordinator = try Coordinator(store: session.store, context: context, options: options, logger: logger)
        try coordinator.serve(session.plan)
        let totals = coordinator.totals()
        let slots = min(workers, max(totals.open, 1))
        logger.info(
            "sweep \(session.plan.sweepID): \(totals.done) of \(totals.total) tasks already done; starting \(slots) local workers")
        let children = LocalWorkers(
            executable: LocalWorkers.currentExecutable, endpoint: endpoint, threads: threads, logger: logger)
        defer { children.shutDown() }
        let progress = showProgress ? ProgressReporter(alreadyDone: totals.done) : nil
        defer { progress?.finish() }
        if totals.open == 0 { return .finished(quarantined: totals.quarantined, cancelled: totals.cancelled) }
        return try coordinator.run(progress: progress, stop: stop) {
            try children.superviseAndStart(slots: slots, stop: stop)
        }
    }
}
