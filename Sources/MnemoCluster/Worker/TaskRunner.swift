import Foundation
import MnemoLearn
import MnemoWire

/// The worker's training thread: takes leased tasks from an inbox, runs them one at a time on a
/// ``TaskBackend`` and leaves the results in an outbox, so that the socket thread keeps heartbeating
/// during long runs. Finishing a task wakes the socket loop at once: the training thread sends one
/// empty message on its own PUSH socket to the loop's `inproc://` PULL socket.
///
/// A lock-guarded class (`@unchecked Sendable`) because a dedicated OS thread, not a Swift task, runs
/// the blocking BLAS work; every field is read and written under `condition`.
final class TaskRunner: @unchecked Sendable {
    /// What the training thread produced: a finished task, or a task it gave up on when cancelled.
    enum Output: Sendable {
        case finished(FinishedTask)
        case cancelled(taskID: String)
    }

    private let condition = NSCondition()
    private var inbox: [LeasedTask] = []
    private var outbox: [Output] = []
    private var current: (id: String, cancellation: TrainingCancellation)?
    private var stopping = false
    private var exited = false
    private var backend: any TaskBackend
    private let context: ZMQContext
    private let wakeEndpoint: String

    /// - Parameters:
    ///   - wakeEndpoint: an `inproc://` endpoint the socket loop has bound a PULL socket to.
    init(backend: any TaskBackend, context: ZMQContext, wakeEndpoint: String) {
        self.backend = backend
        self.context = context
        self.wakeEndpoint = wakeEndpoint
    }

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "mnemo-training"
        thread.stackSize = 8 << 20
        thread.start()
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
        return current != nil || !inbox.isEmpty
    }

    /// Removes the tasks not started yet and returns their ids (to hand their leases back).
    func withdrawWaiting() -> [String] {
        condition.lock()
        defer { condition.unlock() }
        let waiting = inbox.map(\.taskId)
        inbox.removeAll()
        return waiting
    }

    /// Drops these tasks if they wait, and cancels the one training if it is among them.
    func revoke(_ ids: Set<String>) {
        condition.lock()
        inbox.removeAll { ids.contains($0.taskId) }
        if let current, ids.contains(current.id) { current.cancellation.cancel() }
        condition.unlock()
    }

    /// Stops the task in training before its next batch; it comes out as `.cancelled`.
    func cancelCurrent() {
        condition.lock()
        current?.cancellation.cancel()
        condition.unlock()
    }

    /// Stops the thread: waiting tasks are dropped, the current one is cancelled, and this returns once
    /// the thread has left the backend (so no BLAS call is running when the process exits).
    func stopAndJoin() {
        condition.lock()
        stopping = true
        inbox.removeAll()
        current?.cancellation.cancel()
        condition.broadcast()
        while !exited {
            condition.wait()
        }
        condition.unlock()
    }

    private func loop() {
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
                exited = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let task = inbox.removeFirst()
            let cancellation = TrainingCancellation()
            current = (task.taskId, cancellation)
            condition.unlock()
            let finished = backend.run(task, cancellation: cancellation)
            condition.lock()
            current = nil
            outbox.append(finished.map(Output.finished) ?? .cancelled(taskID: task.taskId))
            condition.broadcast()
            condition.unlock()
            try? wake?.send([Data()], blocking: false)
        }
    }
}
