import Foundation
import MnemoLearn
import MnemoWire

/// The worker's training threads, one per slot: each takes leased tasks from a shared inbox, runs them
/// on its own ``TaskBackend`` and leaves the results in an outbox, so that the socket thread keeps
/// heartbeating during long runs. Finishing a task wakes the socket loop at once: the finishing
/// thread sends one empty message on its own PUSH socket to the loop's `inproc://` PULL socket.
///
/// A lock-guarded class (`@unchecked Sendable`) because dedicated OS threads, not Swift tasks, run the
/// blocking BLAS work; every field is read and written under `condition`.
final class TaskRunner: @unchecked Sendable {
    /// What a training thread produced: a finished task, or a task it gave up on when cancelled.
    enum Output: Sendable {
        case finished(FinishedTask)
        case cancelled(taskID: String)
    }

    private let condition = NSCondition()
    private var inbox: [LeasedTask] = []
    private var outbox: [Output] = []
    /// The task each slot trains now, with the flag that cancels it.
    private var current: [Int: (id: String, cancellation: TrainingCancellation)] = [:]
    private var stopping = false
    private var running = 0
    private let makeBackend: @Sendable (Int) -> any TaskBackend
    private let slots: Int
    private let context: ZMQContext
    private let wakeEndpoint: String

    /// - Parameters:
    ///   - slots: tasks trained at once, each on its own thread with its own backend.
    ///   - backend: makes slot `i`'s backend, on that slot's thread.
    ///   - wakeEndpoint: an `inproc://` endpoint the socket loop has bound a PULL socket to.
    init(slots: Int, backend: @escaping @Sendable (Int) -> any TaskBackend, context: ZMQContext, wakeEndpoint: String) {
        self.slots = max(1, slots)
        self.makeBackend = backend
        self.context = context
        self.wakeEndpoint = wakeEndpoint
    }

    func start() {
        condition.lock()
        running = slots
        condition.unlock()
        for slot in 0..<slots {
            let thread = Thread { [self] in loop(slot: slot) }
            thread.name = "mnemo-training-\(slot)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    func enqueue(_ tasks: [LeasedTask]) {
        condition.lock()
        inbox.append(contentsOf: tasks)
        condition.broadcast()
        condition.unlock()
    }

    /// Results (and cancelled tasks) since the last call.
    func takeOutput() -> [Output] {
        condition.lock()
        defer { condition.unlock() }
        let output = outbox
        outbox.removeAll()
        return output
    }

    /// Whether a task is training or waiting.
    var isBusy: Bool {
        condition.lock()
        defer { condition.unlock() }
        return !current.isEmpty || !inbox.isEmpty
    }

    /// Removes the tasks not started yet and returns their ids (to hand their leases back).
    func withdrawWaiting() -> [String] {
        condition.lock()
        defer { condition.unlock() }
        let waiting = inbox.map(\.taskId)
        inbox.removeAll()
        return waiting
    }

    /// Drops these tasks if they wait, and cancels those training.
    func revoke(_ ids: Set<String>) {
        condition.lock()
        inbox.removeAll { ids.contains($0.taskId) }
        for task in current.values where ids.contains(task.id) { task.cancellation.cancel() }
        condition.unlock()
    }

    /// Tells every task in training that the worker is stopping (an external command gets SIGTERM).
    func beginGracePeriod() {
        condition.lock()
        for task in current.values { task.cancellation.beginGracePeriod() }
        condition.unlock()
    }

    /// Stops every task in training before its next batch; they come out as `.cancelled`.
    func cancelCurrent() {
        condition.lock()
        for task in current.values { task.cancellation.cancel() }
        condition.unlock()
    }

    /// Stops the threads: waiting tasks are dropped, training ones cancelled, and this returns once
    /// every thread has left its backend (so no BLAS call is running when the process exits).
    func stopAndJoin() {
        condition.lock()
        stopping = true
        inbox.removeAll()
        for task in current.values { task.cancellation.cancel() }
        condition.broadcast()
        while running > 0 {
            condition.wait()
        }
        condition.unlock()
    }

    private func loop(slot: Int) {
        let backend = makeBackend(slot)
        // Created on this thread and used only here, as ZeroMQ sockets must be.
        let wake = try? ZMQSocket(context: context, kind: .push)
        try? wake?.set(.linger(.zero))
        try? wake?.connect(wakeEndpoint)
        defer { wake?.close() }
        while true {
            condition.lock()
            while inbox.isEmpty && !stopping {
                condition.wait()
            }
            if stopping {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let task = inbox.removeFirst()
            let cancellation = TrainingCancellation()
            current[slot] = (task.taskId, cancellation)
            condition.unlock()
            let finished = backend.run(task, cancellation: cancellation)
            condition.lock()
            current[slot] = nil
            outbox.append(finished.map(Output.finished) ?? .cancelled(taskID: task.taskId))
            condition.broadcast()
            condition.unlock()
            try? wake?.send([Data()], blocking: false)
        }
    }
}
