import Foundation
import Logging

/// The worker processes of local mode: N copies of this same binary running `mnemo worker`, connected
/// to the in-process coordinator over the same protocol a cluster uses. A child that dies while the
/// sweep runs is replaced after a backoff that doubles with each quick death of its slot, and all of
/// them are ended when this is. Each spawn gets a new worker id, so the coordinator counts the deaths
/// of distinct workers against the task that killed them.
public final class LocalWorkers {
    private struct Slot {
        var process: Process
        var workerID: String
        var startedAt: Date
        /// Deaths within ``LocalWorkers/quickDeath`` of starting, in a row.
        var quickDeaths = 0
        var restartAt: Date?
    }

    private let executable: URL
    private let endpoint: String
    private let threads: Int
    private let logger: Logger
    private var slots: [Int: Slot] = [:]
    private var spawned = 0
    /// A worker that dies sooner than this after starting counts as failing to start.
    static let quickDeath: TimeInterval = 5
    /// Quick deaths in a row of every slot after which local mode gives up.
    static let maxQuickDeaths = 5

    /// The first restart delay after a quick death; it doubles with each one in a row (at most 30 s).
    private let backoff: TimeInterval

    /// - Parameters:
    ///   - executable: the `mnemo` binary (this process's own, normally).
    ///   - backoff: the first restart delay after a worker died right after starting.
    public init(executable: URL, endpoint: String, threads: Int, logger: Logger, backoff: TimeInterval = 0.5) {
        self.executable = executable
        self.backoff = backoff
        self.endpoint = endpoint
        self.threads = threads
        self.logger = logger
    }

    /// The path of the running binary.
    public static var currentExecutable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    }

    /// Starts every worker that is not running and replaces dead ones once their backoff has passed.
    ///
    /// - Returns: the worker ids of children found dead since the last call (the coordinator treats
    ///   their leases as lost at once, counting toward the crash budget).
    /// - Throws: ``LocalWorkersError`` when every slot's worker keeps dying right after starting.
    public func superviseAndStart(slots count: Int, stop: StopFlag? = nil) throws -> [String] {
        // Children that die from the same Ctrl-C as this process are not replaced.
        guard stop?.isRaised != true else { return [] }
        var dead: [String] = []
        let now = Date()
        for index in 0..<count {
            guard var slot = slots[index] else {
                slots[index] = try spawn()
                continue
            }
            if slot.process.isRunning { continue }
            if slot.restartAt == nil {
                dead.append(slot.workerID)
                let quick = now.timeIntervalSince(slot.startedAt) < Self.quickDeath
                slot.quickDeaths = quick ? slot.quickDeaths + 1 : 0
                let backoff = min(30, self.backoff * pow(2, Double(slot.quickDeaths - 1)))
                slot.restartAt = now.addingTimeInterval(quick ? backoff : 0)
                logger.warning(
                    "local worker \(slot.workerID) exited with status \(slot.process.terminationStatus); restarting it\(quick ? " in \(backoff)s" : "")")
                slots[index] = slot
            }
            guard let restartAt = slot.restartAt, now >= restartAt else { continue }
            var replacement = try spawn()
            replacement.quickDeaths = slot.quickDeaths
            slots[index] = replacement
        }
        let failing = slots.values.filter { !$0.process.isRunning && $0.quickDeaths >= Self.maxQuickDeaths }
        if failing.count == count, let last = failing.first {
            throw LocalWorkersError(
                deaths: Self.maxQuickDeaths, status: last.process.terminationStatus, command: command(for: "ID"))
        }
        return dead
    }

    /// Waits up to `grace` for the workers to leave after the coordinator's goodbye, then asks the rest
    /// to stop (SIGTERM: each hands its task back) and kills any still there 10 s later. Never waits
    /// longer: a worker that ignores both is left to die with its parent (`--parent-pid`).
    public func shutDown(grace: TimeInterval = 3) {
        let processes = slots.values.map(\.process)
        func waitForExits(_ seconds: TimeInterval) {
            let deadline = Date().addingTimeInterval(seconds)
            while processes.contains(where: \.isRunning), Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        waitForExits(grace)
        for process in processes where process.isRunning {
            process.terminate()
        }
        waitForExits(Self.stopGrace)
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        waitForExits(1)
    }

    /// How long a worker asked to stop has to hand its task back before it is killed.
    static let stopGrace: TimeInterval = 10

    private func command(for workerID: String) -> [String] {
        [
            "worker", "--connect", endpoint, "--id", workerID, "--parent-pid", "\(getpid())", "--threads",
            "\(threads)", "--quiet",
        ]
    }

    private func spawn() throws -> Slot {
        let workerID = "local-\(getpid())-\(spawned)"
        spawned += 1
        let process = Process()
        process.executableURL = executable
        process.arguments = command(for: workerID)
        try process.run()
        return Slot(process: process, workerID: workerID, startedAt: Date())
    }
}

/// Local mode cannot keep any worker alive: each dies right after it starts.
public struct LocalWorkersError: Error, CustomStringConvertible {
    public let deaths: Int
    public let status: Int32
    public let command: [String]

    public var description: String {
        "no local worker can start: every one died within \(Int(LocalWorkers.quickDeath))s of starting, "
            + "\(deaths) times in a row (last exit status \(status)); try `mnemo \(command.joined(separator: " "))` by hand to see why"
    }
}
