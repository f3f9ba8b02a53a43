import Foundation
import Logging
import MnemoCore
import MnemoWire

/// Local mode: the coordinator in this process and N worker processes of the same binary, talking the
/// cluster protocol over an `ipc://` socket.
public enum LocalRun {
    /// Serves `session` with `workers` local worker processes until the sweep is complete or stopped.
    ///
    /// - Returns: true when every task is done or quarantined.
    public static func execute(
        session: SweepSession, workers: Int, threads: Int, showProgress: Bool, logger: Logger
    ) throws -> Bool {
        let socketDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mnemo-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: socketDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: socketDirectory) }
        let endpoint = "ipc://" + socketDirectory.appendingPathComponent("coordinator.sock").path
        let context = try ZMQContext()
        let coordinator = try Coordinator(
            plan: session.plan, store: session.store, context: context,
            options: CoordinatorOptions(endpoints: [endpoint]), logger: logger)
        let (done, total, open) = try coordinator.totals()
        logger.info("\(done) of \(total) tasks already done; starting \(min(workers, max(open, 1))) local workers")
        let children = LocalWorkers(
            executable: LocalWorkers.currentExecutable, endpoint: endpoint, threads: threads, logger: logger)
        defer { children.shutDown() }
        let slots = min(workers, max(open, 1))
        let progress = showProgress ? ProgressReporter(alreadyDone: done) : nil
        defer { progress?.finish() }
        if open == 0 { return true }
        return try coordinator.run(progress: progress) {
            try children.superviseAndStart(slots: slots)
        }
    }
}
