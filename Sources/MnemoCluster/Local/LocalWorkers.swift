import Foundation
import Logging

/// The worker processes of local mode: N copies of this same binary running `mnemo worker`, connected
/// to the in-process coordinator over the same protocol a cluster uses. A child that dies while the
/// sweep runs is replaced (a bounded number of times), and all of them are ended when this is.
public final class LocalWorkers {
    private let executable: URL
    private let endpoint: String
    private let threads: Int
    private let logger: Logger
    private var processes: [Int: Process] = [:]
    private var restarts = 0
    private let maxRestarts: Int

    /// - Parameters:
    ///   - executable: the `mnemo` binary (this process's own, normally).
    ///   - maxRestarts: how many dead workers may be replaced in all.
    public init(executable: URL, endpoint: String, threads: Int, logger: Logger, maxRestarts: Int = 8) {
        self.executable = executable
        self.endpoint = endpoint
        self.threads = threads
        self.logger = logger
        self.maxRestarts = maxRestarts
    }

    /// The path of the running binary.
    public static var currentExecutable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    }

    /// Starts every worker that is not running; a worker that exited is restarted while the
    /// restart budget lasts.
    public func superviseAndStart(slots: Int) throws {
        // Children that die from the same Ctrl-C as this process are not replaced.
        guard !StopSignal.isRaised else { return }
        for slot in 0..<slots {
            if let process = processes[slot] {
                guard !process.isRunning else { continue }
                guard restarts < maxRestarts else { continue }
                restarts += 1
                logger.warning("local worker \(slot) exited with status \(process.terminationStatus); restarting it")
            }
            processes[slot] = try spawn(slot: slot)
        }
    }

    /// Process ids of the running workers.
    public var pids: [Int32] {
        processes.values.filter(\.isRunning).map(\.processIdentifier)
    }

    /// Waits up to `grace` for the workers to leave after the coordinator's goodbye, then ends the rest.
    public func shutDown(grace: TimeInterval = 3) {
        let deadline = Date().addingTimeInterval(grace)
        while processes.values.contains(where: \.isRunning), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        for process in processes.values where process.isRunning {
            process.terminate()
        }
        for process in processes.values {
            process.waitUntilExit()
        }
    }

    private func spawn(slot: Int) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "worker", "--connect", endpoint, "--id", "local-\(getpid())-\(slot)-\(restarts)",
            "--parent-pid", "\(getpid())", "--threads", "\(threads)", "--quiet",
        ]
        try process.run()
        return process
    }
}
