import Foundation
import MnemoTestSupport
import Testing

/// The tests' own process handling: a child's exit is seen when it happens, and no wait is unbounded.
/// Foundation's `Process` on Linux sees an exit only once every copy of a socket the child inherits is
/// closed, so a grandchild left running (or a concurrently spawned process the socket leaked into)
/// made a dead child look alive, and its unbounded `waitUntilExit` froze a CI run.
@Suite struct ChildProcessTests {
    @Test func aChildsExitIsSeenWhileAGrandchildStillHoldsItsDescriptors() throws {
        let dir = try TemporaryDirectory()
        let started = Date()
        let child = try ChildProcess(
            executable: "/bin/sh", ["-c", "sleep 30 & echo $! > grandchild; exit 3"], directory: dir.url.path,
            environment: ProcessInfo.processInfo.environment, standardOutput: dir.path("out"), standardError: dir.path("err"))
        #expect(child.wait(timeout: 20) == .exited(3))
        #expect(Date().timeIntervalSince(started) < 10, "seen when it happened, not when the grandchild ends")
        if let grandchild = Int32((try? String(contentsOfFile: dir.path("grandchild"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
            kill(grandchild, SIGKILL)
        }
    }

    @Test func waitsAreBoundedAndAKillIsSeen() throws {
        let dir = try TemporaryDirectory()
        let child = try ChildProcess(
            executable: "/bin/sleep", ["30"], environment: [:], standardOutput: dir.path("out"), standardError: dir.path("err"))
        #expect(child.wait(timeout: 0.2) == nil)
        #expect(child.isRunning)
        child.kill()
        #expect(child.ended == .signalled(SIGKILL))
    }

    @Test func theChildInheritsNoDescriptorButItsThreeStreams() throws {
        // A descriptor this process holds open (not close-on-exec), as another test's pipe would be.
        let held = open("/dev/null", O_RDONLY)
        defer { close(held) }
        let run = try ChildProcess.run("/bin/ls", ["/proc/self/fd"])
        #expect(run.status == 0)
        let descriptors = Set(run.stdout.split(separator: "\n").compactMap { Int($0) })
        // 0, 1, 2 and the one ls opened to read its own folder.
        #expect(descriptors.isSubset(of: [0, 1, 2, 3]), "\(descriptors)")
    }
}

/// A test process stuck past `MNEMO_TEST_WATCHDOG_SECONDS` ends with status 1 and names the children
/// it left, instead of running into CI's own limit with nothing said.
@Suite struct ChildProcessWatchdogTests {
    static let probeVariable = "MNEMO_TEST_WATCHDOG_PROBE"

    @Test func aStuckTestProcessIsEndedAndNamesItsChildren() throws {
        let bundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let dir = try TemporaryDirectory()
        let stuck = try ChildProcess(
            executable: bundle, ["--testing-library", "swift-testing", "--filter", "aTestThatHangs"],
            environment: ProcessInfo.processInfo.environment.merging([Self.probeVariable: "1", "MNEMO_TEST_WATCHDOG_SECONDS": "2"]) { $1 },
            standardOutput: dir.path("out"), standardError: dir.path("err"))
        #expect(stuck.wait(timeout: 60) == .exited(1))
        let said = (try? String(contentsOfFile: dir.path("err"), encoding: .utf8)) ?? ""
        #expect(said.contains("a test is stuck") && said.contains("/bin/sleep 120"), "\(said)")
    }

    /// Hangs for two minutes with a child running; run only by the test above, in a process of its own.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[probeVariable] == "1"))
    func aTestThatHangs() throws {
        let dir = try TemporaryDirectory()
        let child = try ChildProcess(
            executable: "/bin/sleep", ["120"], environment: [:], standardOutput: dir.path("out"), standardError: dir.path("err"))
        child.wait(timeout: 120)
    }
}
