import Foundation
import MnemoWire

/// The worker's training thread: takes leased tasks from an inbox, trains them one at a time and
/// leaves the results in an outbox, so that the socket thread keeps heartbeating during long runs.
///
/// A lock-guarded class (`@unchecked Sendable`) because a dedicated OS thread, not a Swift task, runs
/// the blocking BLAS work; every field is read and written under `condition`.
final class TaskRunner: @unchecked Sendable {
    private let condition = NSCondition()
    private var inbox: [LeasedTask] = []
    private var outbox: [TaskExecutor.Finished] = []
    private var stopping = false
    private var thread: Thread?

    func start() {
        let thread = Thread { [self] in loop() }
        thread.name = "mnemo-training"
        thread.stackSize = 8 << 20
        self.thread = thread
        thread.start()
    }

    func enqueue(_ tasks: [LeasedTask]) {
        condition.lock()
        inbox.append(contentsOf: tasks)
        condition.signal()
        condition.unlock()
    }

    /// Results finished since the last call.
    func takeFinished() -> [TaskExecutor.Finished] {
        condition.lock()
        defer { condition.unlock() }
        let finished = outbox
        outbox.removeAll()
        return finished
    }

    /// Asks the thread to stop after its current task.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func loop() {
        var executor = TaskExecutor()
        while true {
            condition.lock()
            while inbox.isEmpty && !stopping {
                condition.wait()
            }
            if stopping {
                condition.unlock()
                return
            }
            let task = inbox.removeFirst()
            condition.unlock()
            let finished = executor.run(task)
            condition.lock()
            outbox.append(finished)
            condition.unlock()
        }
    }
}
