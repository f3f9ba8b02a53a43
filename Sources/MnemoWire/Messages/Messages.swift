import Foundation
import MnemoCore

/// `hello`: a worker introduces itself (and again after a coordinator restart told it to), listing
/// the tasks it is still running, so that a restarted coordinator restores those leases rather than
/// leasing the same tasks to someone else.
public struct Hello: Codable, Sendable, Equatable {
    public var workerId: String
    public var host: String
    public var pid: Int32
    public var engineVersion: String
    /// Tasks this process holds (running or leased ahead) with their attempts.
    public var running: [TaskAttempt]?
    /// GPUs the worker has (`--gpus`); tasks that need some go only to workers that have them.
    public var gpus: Int?

    public init(
        workerId: String, host: String, pid: Int32, engineVersion: String, running: [TaskAttempt] = [], gpus: Int? = nil
    ) {
        self.workerId = workerId
        self.host = host
        self.pid = pid
        self.engineVersion = engineVersion
        self.running = running
        self.gpus = gpus
    }
}

/// A task and the attempt a worker holds it under.
public struct TaskAttempt: Codable, Sendable, Equatable, Hashable {
    public var taskId: String
    public var attempt: Int

    public init(taskId: String, attempt: Int) {
        self.taskId = taskId
        self.attempt = attempt
    }
}

/// `welcome`: the coordinator accepts a worker and says how often to heartbeat.
public struct Welcome: Codable, Sendable, Equatable {
    public var sweepName: String
    public var heartbeatMilliseconds: Int

    public init(sweepName: String, heartbeatMilliseconds: Int) {
        self.sweepName = sweepName
        self.heartbeatMilliseconds = heartbeatMilliseconds
    }
}

/// `ready`: a worker says how many tasks it can hold at once (slots + prefetch). The coordinator tops
/// the worker up to that many, counting what it already holds, so repeated `ready`s never hoard.
public struct Ready: Codable, Sendable, Equatable {
    public var credit: Int

    public init(credit: Int) {
        self.credit = credit
    }
}

/// One task of a `lease`: what to train and which attempt the result must quote.
public struct LeasedTask: Codable, Sendable, Equatable {
    public var taskId: String
    public var attempt: Int
    public var spec: TaskSpec

    public init(taskId: String, attempt: Int, spec: TaskSpec) {
        self.taskId = taskId
        self.attempt = attempt
        self.spec = spec
    }
}

/// `lease`: a batch of tasks for one worker. On the wire, tasks of one trial share one spec (a
/// template): each task names its template and subset, and the worker derives the subset's seed, so a
/// batch of tiny tasks costs one spec, not one per task.
public struct Lease: Codable, Sendable, Equatable {
    /// One task of the batch, as sent.
    public struct Entry: Codable, Sendable, Equatable {
        public var taskId: String
        public var attempt: Int
        /// Index into ``Lease/templates``.
        public var template: Int
        public var subset: Int

        public init(taskId: String, attempt: Int, template: Int, subset: Int) {
            self.taskId = taskId
            self.attempt = attempt
            self.template = template
            self.subset = subset
        }
    }

    public var templates: [TaskSpec]
    public var entries: [Entry]

    /// A lease of these templates and entries, as received.
    public init(templates: [TaskSpec], entries: [Entry]) {
        self.templates = templates
        self.entries = entries
    }

    /// Packs tasks, sharing one template per distinct trial spec.
    public init(tasks: [LeasedTask]) {
        var templates: [TaskSpec] = []
        var entries: [Entry] = []
        for task in tasks {
            let template = task.spec.forSubset(0)
            let index = templates.firstIndex(of: template) ?? {
                templates.append(template)
                return templates.count - 1
            }()
            entries.append(Entry(taskId: task.taskId, attempt: task.attempt, template: index, subset: task.spec.subset))
        }
        self.templates = templates
        self.entries = entries
    }

    /// The tasks with their full specs.
    ///
    /// - Throws: ``FrameError`` when an entry names a template the message does not have.
    public func tasks() throws(FrameError) -> [LeasedTask] {
        try entries.map { entry throws(FrameError) in
            guard templates.indices.contains(entry.template), entry.subset >= 0 else {
                throw FrameError(
                    .headerDecodingFailed(
                        type: "Lease", detail: "entry \(entry.taskId) names template \(entry.template) of \(templates.count)"))
            }
            return LeasedTask(taskId: entry.taskId, attempt: entry.attempt, spec: templates[entry.template].forSubset(entry.subset))
        }
    }
}

/// `heartbeat`: sent every ~1 s by workers (with the tasks they hold) and answered by the coordinator,
/// whose answer may revoke tasks (cancelled by an admin): the worker stops them at once.
public struct Heartbeat: Codable, Sendable, Equatable {
    public var running: [String]
    /// From the coordinator: tasks to stop now; their results will not be accepted.
    public var revoked: [String]?

    public init(running: [String], revoked: [String] = []) {
        self.running = running
        self.revoked = revoked
    }
}

/// The outcome of one task inside a `result` message. Its payload part starts at `payloadOffset`:
/// the bit-packed train correctness, the test correctness, then each of ``arrays`` in order
/// (little-endian float32, C order). The message's payload checksum covers all of it.
public struct TaskOutcome: Codable, Sendable, Equatable {
    public var taskId: String
    public var attempt: Int
    /// Why the task failed, or nil when it produced correctness vectors.
    public var failure: TaskFailure?
    public var trainCount: Int
    public var testCount: Int
    public var payloadOffset: Int
    public var subsetAccuracy: Double
    public var testAccuracy: Double
    public var epochs: Int
    public var seconds: Double
    /// The per-example float outputs after the bits (`margin_train`, …); nil when there are none.
    public var arrays: [ResultArrayHeader]?
    /// Further scalar metrics of the run (what an external trainer wrote in `metrics.json`); nil when
    /// there are none.
    public var metrics: [String: Double]?

    public init(
        taskId: String, attempt: Int, failure: TaskFailure?, trainCount: Int, testCount: Int, payloadOffset: Int,
        subsetAccuracy: Double, testAccuracy: Double, epochs: Int, seconds: Double,
        arrays: [ResultArrayHeader]? = nil, metrics: [String: Double]? = nil
    ) {
        self.taskId = taskId
        self.attempt = attempt
        self.failure = failure
        self.trainCount = trainCount
        self.testCount = testCount
        self.payloadOffset = payloadOffset
        self.subsetAccuracy = subsetAccuracy
        self.testAccuracy = testAccuracy
        self.epochs = epochs
        self.seconds = seconds
        self.arrays = arrays
        self.metrics = metrics
    }

    /// The most further metrics a result may carry, and the longest name.
    public static let maximumMetrics = 64

    /// The metrics a result may carry: at most ``maximumMetrics`` finite values (those of the first
    /// names in order), named by 1 to 64 characters, none of the result's own fields (`seconds`,
    /// `epochs`, `test_accuracy`, `train_subset_accuracy`). Workers send only these; the coordinator
    /// refuses a result whose metrics differ from them.
    public static func validMetrics(_ metrics: [String: Double]) -> [String: Double] {
        let own: Set = ["seconds", "epochs", "test_accuracy", "train_subset_accuracy"]
        let kept = metrics.filter { !own.contains($0.key) && (1...64).contains($0.key.count) && $0.value.isFinite }
        return Dictionary(uniqueKeysWithValues: kept.sorted { $0.key < $1.key }.prefix(maximumMetrics).map { ($0.key, $0.value) })
    }

    /// Bytes of its payload part (bits and arrays), or nil for counts or shapes that overflow.
    public var payloadBytes: Int? {
        guard trainCount >= 0, testCount >= 0, trainCount < Int.max - 7, testCount < Int.max - 7 else { return nil }
        var total = trainBytes
        for size in [testBytes] + (arrays ?? []).map({ $0.byteCount ?? -1 }) {
            guard size >= 0 else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(size)
            guard !overflow else { return nil }
            total = sum
        }
        return total
    }

    /// Bytes of bit-packed train correctness.
    public var trainBytes: Int { (trainCount + 7) / 8 }
    /// Bytes of bit-packed test correctness.
    public var testBytes: Int { (testCount + 7) / 8 }

    /// The outcome's part of a message payload: train and test bit vectors and each array's bytes, or
    /// nil when the counts, the offset, a shape or the sizes do not fit inside it. Every bound is
    /// checked before any arithmetic that could overflow, so a forged header (an offset near
    /// `Int.max`, a shape of huge dimensions) is refused, never trapped on.
    public func slices(of payload: Data) -> (train: Data, test: Data, arrays: [Data])? {
        guard trainCount >= 0, testCount >= 0, trainCount < Int.max - 7, testCount < Int.max - 7,
            payloadOffset >= 0, payloadOffset <= payload.count
        else { return nil }
        var available = payload.count - payloadOffset
        guard trainBytes <= available, testBytes <= available - trainBytes else { return nil }
        available -= trainBytes + testBytes
        var start = payload.startIndex + payloadOffset
        let train = Data(payload[start..<start + trainBytes])
        start += trainBytes
        let test = Data(payload[start..<start + testBytes])
        start += testBytes
        var arrays: [Data] = []
        for header in self.arrays ?? [] {
            guard let bytes = header.byteCount, bytes <= available else { return nil }
            arrays.append(Data(payload[start..<start + bytes]))
            start += bytes
            available -= bytes
        }
        return (train, test, arrays)
    }
}

/// A named float32 array of a result (`margin_train`, `probability_test`, …): its shape; its bytes
/// follow in the payload.
public struct ResultArrayHeader: Codable, Sendable, Equatable {
    public var name: String
    public var shape: [Int]

    public init(name: String, shape: [Int]) {
        self.name = name
        self.shape = shape
    }

    /// Bytes of its float32 elements, or nil for a shape that is negative, too deep or too large.
    public var byteCount: Int? {
        guard shape.count <= 4, shape.allSatisfy({ $0 >= 0 }) else { return nil }
        var bytes = MemoryLayout<Float>.size
        for size in shape {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: size)
            guard !overflow else { return nil }
            bytes = product
        }
        return bytes
    }
}

/// `result`: a batch of task outcomes; the payload carries their bit-packed correctness vectors.
public struct ResultBatch: Codable, Sendable, Equatable {
    public var outcomes: [TaskOutcome]

    /// The most outcomes one message may carry.
    public static let maximumOutcomes = 1_024

    /// Whether the batch is well formed: at most ``maximumOutcomes`` outcomes, each task once, and
    /// their payload parts laid end to end, in order, filling the payload exactly. A forged batch whose
    /// parts overlap could otherwise make the receiver copy one payload many times.
    public func tiles(payloadCount: Int) -> Bool {
        guard outcomes.count <= Self.maximumOutcomes, Set(outcomes.map(\.taskId)).count == outcomes.count else { return false }
        var cursor = 0
        for outcome in outcomes {
            guard outcome.payloadOffset == cursor, let size = outcome.payloadBytes else { return false }
            let (next, overflow) = cursor.addingReportingOverflow(size)
            guard !overflow, next <= payloadCount else { return false }
            cursor = next
        }
        return cursor == payloadCount
    }

    public init(outcomes: [TaskOutcome]) {
        self.outcomes = outcomes
    }
}

/// `ack`: the coordinator has durably handled these task results (stored, or ignored as stale).
public struct Ack: Codable, Sendable, Equatable {
    public var taskIds: [String]

    public init(taskIds: [String]) {
        self.taskIds = taskIds
    }
}

/// `reject`: the coordinator refuses a message; `rehello` asks the worker to introduce itself again
/// (after a coordinator restart the worker is unknown).
public struct Reject: Codable, Sendable, Equatable {
    public var reason: String
    public var rehello: Bool

    public init(reason: String, rehello: Bool) {
        self.reason = reason
        self.rehello = rehello
    }
}

/// `bye`: either side is leaving; from the coordinator it means the sweep is finished or stopping, or
/// that this worker may not take its tasks. A leaving worker lists the leases it hands back.
public struct Bye: Codable, Sendable, Equatable {
    public var reason: String
    /// Tasks handed back unfinished (from a worker); they return to pending at once.
    public var released: [String]?
    /// From the coordinator: this worker may not take the sweep's tasks (it failed an infrastructure
    /// check, named in `reason`), as opposed to the sweep being over.
    public var excluded: Bool?

    public init(reason: String, released: [String] = [], excluded: Bool = false) {
        self.reason = reason
        self.released = released
        self.excluded = excluded
    }
}
