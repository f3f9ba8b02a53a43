/// A task that may still run or be retried (not done), without its spec: what a coordinator's scheduler
/// loads when it starts serving a sweep. Done tasks are only counted, so memory stays flat in them.
public struct OpenTask: Sendable, Equatable {
    public var id: String
    public var trialIndex: Int
    public var subsetIndex: Int
    public var state: TaskState
    public var attempt: Int
    public var workerID: String?
    public var failures: Int
    public var crashedWorkers: [String]
    public var lastError: String?

    public init(
        id: String, trialIndex: Int, subsetIndex: Int, state: TaskState, attempt: Int, workerID: String?,
        failures: Int, crashedWorkers: [String], lastError: String?
    ) {
        self.id = id
        self.trialIndex = trialIndex
        self.subsetIndex = subsetIndex
        self.state = state
        self.attempt = attempt
        self.workerID = workerID
        self.failures = failures
        self.crashedWorkers = crashedWorkers
        self.lastError = lastError
    }
}
