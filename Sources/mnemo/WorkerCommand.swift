import ArgumentParser
import Foundation
import Logging
import MnemoCluster
import MnemoLinalg
import MnemoWire

extension Mnemo {
    struct WorkerCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "worker",
            abstract: "Train tasks for a coordinator until its sweep is complete.",
            discussion: """
                Example:
                  mnemo worker --connect tcp://head:5555
                """)

        @Option(help: "The coordinator's endpoint, e.g. tcp://head:5555.")
        var connect: String

        @Option(help: "A stable worker id (default: host name and process id).")
        var id: String?

        @Option(help: "BLAS threads for training (workers scale by processes; keep 1 unless alone on a host).")
        var threads: Int = 1

        @Option(help: "Exit when this process id is no longer the parent (set by local mode).")
        var parentPid: Int32?

        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
            guard connect.contains("://") else {
                throw ValidationError("--connect needs an endpoint such as tcp://head:5555, got '\(connect)'")
            }
        }

        func run() throws {
            let logger = logging.makeLogger("mnemo.worker")
            StopSignal.install()
            BLAS.setThreads(threads)
            let workerID = id ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
            let worker = try Worker(
                options: WorkerOptions(endpoint: connect, workerID: workerID, parentPID: parentPid),
                context: try ZMQContext(), logger: logger)
            let exit = try worker.run()
            logger.info("worker \(workerID) finished \(worker.completed) tasks: \(exit)")
            if exit == .stopped { throw ExitCode(130) }
        }
    }
}
