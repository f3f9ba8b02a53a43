import Foundation
import Synchronization

/// A program the tests start, spawned with `posix_spawn` and reaped with `waitpid`: its exit is seen
/// whatever else holds its file descriptors, and every wait is bounded.
///
/// Foundation's `Process` on Linux learns of a child's exit from a socket the child inherits and
/// closes when it dies, and it enumerates the descriptors to close in the child before spawning. With
/// tests spawning from many threads at once, a descriptor opened by one thread between another's
/// enumeration and its spawn leaks into that other child, so a dead process can look alive until an
/// unrelated one ends; two such leaks in opposite directions hang both tests for ever (a CI run froze
/// that way). Here the child closes every descriptor above 2 in one step (`closefrom` at spawn time)
/// and its exit is read from the kernel.
public final class ChildProcess: @unchecked Sendable {
    /// How a child ended.
    public enum Ending: Sendable, Equatable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal ended it.
        case signalled(Int32)
    }

    public let pid: pid_t
    private let ending = Mutex<Ending?>(nil)

    /// Spawns `executable arguments…` in `directory` with `environment` as its whole environment,
    /// standard input from `/dev/null` and standard output and error written to the given files
    /// (created or truncated). Like Foundation's `Process`, the child leads a process group of its own
    /// and inherits the spawning thread's signal mask (a Swift concurrency thread blocks SIGTERM and
    /// SIGINT, which `mnemo` unblocks itself).
    public init(
        executable: String, _ arguments: [String], directory: String? = nil, environment: [String: String],
        standardOutput: String, standardError: String
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        try Self.check(posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP)), "set the process group of")
        try Self.check(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0), "open /dev/null for")
        try Self.check(
            posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o644),
            "open \(standardOutput) for")
        try Self.check(
            posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o644),
            "open \(standardError) for")
        try Self.check(GNUSpawnActions.closeFrom(&actions, 3), "close the inherited descriptors of")
        if let directory {
            try Self.check(GNUSpawnActions.changeDirectory(&actions, directory), "change to \(directory) for")
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        try Self.check(posix_spawn(&pid, executable, &actions, &attributes, argv, envp), "spawn")
        self.pid = pid
        ChildProcessWatchdog.shared.started(self, command: [executable] + arguments)
    }

    /// Its ending, once it ended (reaped on the first look that finds it gone).
    public var ended: Ending? {
        ending.withLock { ending in
            if ending != nil { return ending }
            var status: Int32 = 0
            var reaped: pid_t
            repeat { reaped = waitpid(pid, &status, WNOHANG) } while reaped < 0 && errno == EINTR
            guard reaped == pid else { return nil }
            ending = (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
            // Reaped: its pid may be reused, so the watchdog must not signal it any more.
            ChildProcessWatchdog.shared.ended(pid)
            return ending
        }
    }

    public var isRunning: Bool { ended == nil }

    /// Waits up to `timeout` seconds for it to end; nil if it is still running then.
    @discardableResult
    public func wait(timeout: TimeInterval) -> Ending? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let ended { return ended }
            if Date() > deadline { return nil }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// Sends `signal` if it still runs and waits (up to a minute) for it to end.
    public func kill(_ signal: Int32 = SIGKILL) {
        guard isRunning else { return }
        Foundation.kill(pid, signal)
        wait(timeout: 60)
    }

    /// Runs `executable arguments…` to its end (killed after `timeout` seconds) and returns its exit
    /// status (nil when it was killed or signalled) and output, the two streams kept apart.
    public static func run(
        _ executable: String, _ arguments: [String], directory: String? = nil, timeout: TimeInterval = 600
    ) throws -> (status: Int32?, stdout: String, stderr: String) {
        let scratch = try TemporaryDirectory(prefix: "mnemo-child")
        let child = try ChildProcess(
            executable: executable, arguments, directory: directory, environment: ProcessInfo.processInfo.environment,
            standardOutput: scratch.path("stdout"), standardError: scratch.path("stderr"))
        let ending = child.wait(timeout: timeout)
        child.kill()
        let read = { (name: String) in (try? String(contentsOfFile: scratch.path(name), encoding: .utf8)) ?? "" }
        guard case .exited(let status) = ending else { return (nil, read("stdout"), read("stderr") + "\n[\(ending.map { "\($0)" } ?? "killed after \(Int(timeout)) s")]") }
        return (status, read("stdout"), read("stderr"))
    }

    deinit {
        kill()
    }

    private static func check(_ result: Int32, _ what: String) throws {
        guard result == 0 else { throw SpawnFailed(what: what, errno: result) }
    }
}

/// A child could not be spawned.
public struct SpawnFailed: Error, CustomStringConvertible {
    public let what: String
    public let errno: Int32
    public var description: String { "could not \(what) a child process: \(String(cString: strerror(errno)))" }
}

/// glibc's spawn actions that Swift's `Glibc` module does not declare (they need `_GNU_SOURCE`),
/// looked up by name: `closefrom` closes every descriptor from a bound in the child at spawn time, with
/// no window for another thread's new descriptor to slip through.
private enum GNUSpawnActions {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    nonisolated(unsafe) static let closeFromFunction: CloseFrom? = lookUp("posix_spawn_file_actions_addclosefrom_np")
    nonisolated(unsafe) static let changeDirectoryFunction: ChangeDirectory? = lookUp("posix_spawn_file_actions_addchdir_np")

    static func closeFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) -> Int32 {
        closeFromFunction?(actions, lowest) ?? ENOSYS
    }

    static func changeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ path: String) -> Int32 {
        changeDirectoryFunction?(actions, path) ?? ENOSYS
    }

    private static func lookUp<Function>(_ name: String) -> Function? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
    }
}
