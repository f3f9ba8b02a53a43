import MnemoCore

/// `hello`: a worker introduces itself (and again after a coordinator restart told it to).
public struct Hello: Codable, Sendable, Equatable {
    public var workerId: String
    public var host: String
    public var pid: Int32
    public var engineVersion: String

    public init(workerId: String, host: String, pid: Int32, engineVersion: String) {
        self.workerId = workerId
        self.host = host
        self.pid = pid
        self.engineVersion = engineVersion
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

/// `ready`: a worker asks for up to `credit` more tasks. The coordinator never leases more.
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

/// `lease`: a batch of tasks for one worker.
public struct Lease: Codable, Sendable, Equatable {
    public var tasks: [LeasedTask]

    public init(tasks: [LeasedTask]) {
        self.tasks = tasks
    }
}

/// `heartbeat`: sent every ~1 s by workers (with the tasks they hold) and answered by the coordinator.
public struct Heartbeat: Codable, Sendable, Equatable {
    public var running: [String]

    public init(running: [String]) {
        self.running = running
    }
}

/// The outcome of one task inside a `result` message. Its correctness bits live in the payload at
/// `[payloadOffset, payloadOffset + trainBytes + testBytes)`, train bits first.
public struct TaskOutcome: Codable, Sendable, Equatable {
    public var taskId: String
    public var attempt: Int
    /// Why the task failed (for example divergence), or nil when it produced correctness vectors.
    public var failure: String?
    public var trainCount: Int
    public var testCount: Int
    public var payloadOffset: Int
    public var subsetAccuracy: Double
    public var testAccuracy: Double
    public var epochs: Int
    public var seconds: Double

    public init(
        taskId: String, attempt: Int, failure: String?, trainCount: Int, testCount: Int, payloadOffset: Int,
        subsetAccuracy: Double, testAccuracy: Double, epochs: Int, seconds: Double
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
    }

    /// Bytes of bit-packed train correctness.
    public var trainBytes: Int { (trainCount + 7) / 8 }
    /// Bytes of bit-packed test correctness.
    public var testBytes: Int { (testCount + 7) / 8 }
}

/// `result`: a batch of task outcomes; the payload carries their bit-packed correctness vectors.
public struct ResultBatch: Codable, Sendable, Equatable {
    public var outcomes: [TaskOutcome]

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

/// `bye`: either side is leaving; from the coordinator it means the sweep is finished or stopping.
public struct Bye: Codable, Sendable, Equatable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}
