import Foundation
import Synchronization

/// Ends a test run that has gone on far longer than any healthy one, instead of letting CI wait for its
/// own limit: after `MNEMO_TEST_WATCHDOG_SECONDS` (900 by default; the whole suite takes 3 to 4 minutes
/// on two cores) from the first child process a test started, it prints the children still running,
/// with their age and command line, kills them, and exits the test process with status 1.
final class ChildProcessWatchdog: Sendable {
    static let shared = ChildProcessWatchdog()

    private struct Child {
        let command: [String]
        let started: Date
    }

    private let children = Mutex<[pid_t: Child]>([:])
    private let limit: TimeInterval

    private init() {
        limit = ProcessInfo.processInfo.environment["MNEMO_TEST_WATCHDOG_SECONDS"].flatMap(TimeInterval.init) ?? 900
        let thread = Thread { [self] in
            Thread.sleep(forTimeInterval: limit)
            expire()
        }
        thread.name = "mnemo-test-watchdog"
        thread.start()
    }

    func started(_ child: ChildProcess, command: [String]) {
        children.withLock { $0[child.pid] = Child(command: command, started: Date()) }
    }

    func ended(_ pid: pid_t) {
        _ = children.withLock { $0.removeValue(forKey: pid) }
    }

    private func expire() {
        let running = children.withLock { $0 }
        var report = "mnemo tests: the test process has run for \(Int(limit)) s (MNEMO_TEST_WATCHDOG_SECONDS); "
            + "a test is stuck. Children still running (\(running.count)):\n"
        for (pid, child) in running.sorted(by: { $0.value.started < $1.value.started }) {
            let age = Int(Date().timeIntervalSince(child.started))
            report += "  pid \(pid), started \(age) s ago: \(child.command.joined(separator: " "))\n"
            kill(pid, SIGKILL)
        }
        FileHandle.standardError.write(Data(report.utf8))
        _exit(1)
    }
}
