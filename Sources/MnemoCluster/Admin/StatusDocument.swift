import Foundation
import MnemoStore

/// What `mnemo status --json` prints: the coordinator, every sweep with its task counts and trials,
/// and the connected workers (live from a running coordinator; empty when none runs).
public struct StatusDocument: Codable, Sendable, Equatable {
    public struct Coordinator: Codable, Sendable, Equatable {
        public var running: Bool
        public var host: String?
        public var pid: Int32?

        public init(running: Bool, host: String? = nil, pid: Int32? = nil) {
            self.running = running
            self.host = host
            self.pid = pid
        }
    }

    public struct Tasks: Codable, Sendable, Equatable {
        public var total, pending, leased, done, failed, quarantined, cancelled: Int
    }

    public struct Trial: Codable, Sendable, Equatable {
        public var index: Int
        /// The grid values of the trial (`{}` without a grid).
        public var params: [String: String]
        public var runsDone: Int
        public var runsTotal: Int

        enum CodingKeys: String, CodingKey {
            case index, params
            case runsDone = "runs_done"
            case runsTotal = "runs_total"
        }
    }

    public struct Sweep: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var datasetSHA256: String
        public var priority: Int
        public var tasks: Tasks
        public var trials: [Trial]
        /// Workers the running coordinator excluded from this sweep, each as `worker W: reason`
        /// (nil when no coordinator runs).
        public var exclusions: [String]?
        /// While its registration is storing tasks (or was cut short), how many it stores in all;
        /// `tasks` counts those stored so far. Nil (absent) once registered.
        public var registering: Int?

        enum CodingKeys: String, CodingKey {
            case id, name, priority, tasks, trials, exclusions, registering
            case datasetSHA256 = "dataset_sha256"
        }
    }

    public struct Worker: Codable, Sendable, Equatable {
        public var id: String
        public var host: String
        public var pid: Int32
        /// `working`, `idle` or `draining`.
        public var state: String
        /// A task it holds (the first, by id), or nil.
        public var task: String?
        /// Tasks finished per second since it joined.
        public var rate: Double
    }

    public var coordinator: Coordinator
    public var sweeps: [Sweep]
    public var workers: [Worker]

    /// The sweeps as the database holds them, with the coordinator's live view when one runs: `live`
    /// gives the progress of the sweeps it serves from memory, so a status request does not scan their
    /// tasks.
    ///
    /// - Throws: ``StoreError``.
    public static func build(
        store: Store, coordinator: Coordinator, workers: [Worker], live: [String: [TrialProgress]] = [:]
    ) throws -> StatusDocument {
        let sweeps = try store.sweeps().map { record in
            let progress = try live[record.id] ?? store.progress(sweepID: record.id)
            let tasks = Tasks(
                total: progress.reduce(0) { $0 + $1.total }, pending: progress.reduce(0) { $0 + $1.pending },
                leased: progress.reduce(0) { $0 + $1.leased }, done: progress.reduce(0) { $0 + $1.done },
                failed: progress.reduce(0) { $0 + $1.retrying }, quarantined: progress.reduce(0) { $0 + $1.quarantined },
                cancelled: progress.reduce(0) { $0 + $1.cancelled })
            return Sweep(
                id: record.id, name: record.name, datasetSHA256: record.datasetSHA256, priority: record.priority,
                tasks: tasks,
                trials: progress.map { Trial(index: $0.trialIndex, params: params(of: $0.name), runsDone: $0.done, runsTotal: $0.total) },
                exclusions: nil, registering: try store.registrationInProgress(sweepID: record.id)?.tasks)
        }
        return StatusDocument(coordinator: coordinator, sweeps: sweeps, workers: workers)
    }

    /// `learning_rate=0.05,momentum=0.9` → `["learning_rate": "0.05", "momentum": "0.9"]`.
    static func params(of trialName: String) -> [String: String] {
        guard trialName != "default" else { return [:] }
        var params: [String: String] = [:]
        for pair in trialName.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { params[String(parts[0])] = String(parts[1]) }
        }
        return params
    }

    /// Pretty, key-sorted JSON.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
