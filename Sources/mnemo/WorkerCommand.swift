import ArgumentParser
import Foundation
import Logging
import MnemoCluster
import MnemoLinalg
import MnemoWire
import ServiceLifecycle

extension Mnemo {
    struct WorkerCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "worker",
            abstract: "Train tasks for a coordinator until its sweep is complete.",
            discussion: """
                On SIGTERM or Ctrl-C the worker takes no new tasks, lets the running one finish within
                --grace seconds (then cancels it between batches), hands unfinished leases back and exits 0.
                It exits 2 when excluded by the coordinator (it cannot get a verified copy of the dataset)
                or when no coordinator answered for --idle-exit seconds, and 0 when connected but without
                work for that long (a coordinator run with --serve never says the work is over). Example:
                  mnemo worker --connect tcp://head:5555
                """)

        @Option(help: "The coordinator's endpoint, e.g. tcp://head:5555.")
        var connect: Endpoint

        @Option(help: "A stable worker id (default: host name and process id).")
        var id: String?

        @Option(help: "BLAS threads for training (workers scale by processes; keep 1 unless alone on a host).")
        var threads: Int = 1

        @Option(help: "Exit when this process id is no longer the parent (set by local mode).")
        var parentPid: Int32?

        @Option(help: "Tasks trained at once, each on its own thread.")
        var slots: Int = 1

        @Option(help: "Tasks leased ahead of the ones training (default: none for long or not yet timed tasks, up to 63 for tiny ones).")
        var prefetch: Int?

        @Option(help: "Seconds a running task may go on after SIGTERM/SIGINT before it is cancelled and handed back.")
        var grace: Double = 30

        @Option(help: "Exit after this many seconds without a coordinator answering, or without work.")
        var idleExit: Double = 600

        @Option(help: "Folder for datasets (data/: prepared or fetched from the coordinator), command trainers' run folders and checkpoints (default: $XDG_CACHE_HOME/mnemo or ~/.cache/mnemo).")
        var cacheDir: String?

        @Option(help: "At most this much of datasets in --cache-dir, least recently used removed first, e.g. 20G (default: no bound).")
        var cacheMax: ByteSize?

        @Option(help: "GPU ids for the slots in turn, e.g. 0,1 (each slot's command sees its own CUDA_VISIBLE_DEVICES).")
        var gpus: String?

        @Option(help: "This worker's CURVE secret key file (mode 0600), for a coordinator that uses CURVE.")
        var key: String?

        @Option(help: "The coordinator's CURVE public key file (.pub).")
        var serverKey: String?

        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            guard (key == nil) == (serverKey == nil) else {
                throw ValidationError("--key and --server-key go together: this worker's secret key and the coordinator's public key")
            }
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
            guard (1...64).contains(slots) else { throw ValidationError("--slots must be in 1...64, got \(slots)") }
            if let prefetch, !(0...63).contains(prefetch) {
                throw ValidationError("--prefetch must be in 0...63, got \(prefetch)")
            }
            guard grace >= 0, grace <= 86_400 else { throw ValidationError("--grace must be 0 to 86400 seconds") }
            if let gpus, gpuList(gpus).isEmpty || gpuList(gpus).count > 64 {
                throw ValidationError("--gpus takes 1 to 64 GPU ids separated by commas, e.g. 0,1; got '\(gpus)'")
            }
            try ByteSize.validateCacheMax(cacheMax)
            guard idleExit >= 1, idleExit <= 31_536_000 else {
                throw ValidationError("--idle-exit must be 1 to 31536000 seconds")
            }
        }

        /// `0,1` → `["0", "1"]`; empty when an id is empty or not made of letters, digits, '-' or ':'.
        private func gpuList(_ text: String) -> [String] {
            let ids = text.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let valid = ids.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || "-:".contains($0) } }
            return valid ? ids : []
        }

        func run() async throws {
            let logger = logging.makeLogger("mnemo.worker")
            let curve = try key.map { keyPath in
                (keyPair: try CurveKeyFiles.loadSecret(keyPath), serverKey: try CurveKeyFiles.loadPublic(serverKey ?? ""))
            }
            BLAS.setThreads(threads)
            let workerID = id ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
            var options = WorkerOptions(endpoint: connect.description, workerID: workerID, parentPID: parentPid)
            options.prefetch = prefetch
            options.slots = slots
            options.cacheDirectory = cacheDir.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            options.cacheMaxBytes = cacheMax?.bytes
            options.gpus = gpus.map(gpuList) ?? []
            options.grace = .milliseconds(Int64(grace * 1000))
            options.idleExit = .milliseconds(Int64(idleExit * 1000))
            options.curve = curve
            let configured = options
            let service = BlockingLoopService { stop in
                // The worker's sockets are made and used on the loop's own thread.
                let worker = try Worker(options: configured, context: try ZMQContext(), logger: logger)
                let exit = try worker.run(stop: stop)
                logger.info("worker \(workerID) finished \(worker.completed) tasks; exiting: \(exit)")
                return exit
            }
            try await ServiceGroup.runUntilStopped(service, logger: logger)
            let exit = try service.result()
            switch exit {
            case .coordinatorFinished, .stopped, .drained, .orphaned, .idle: return
            case .excluded, .unreachable: throw ExitCode(2)
            }
        }
    }
}
