import Foundation

/// A running `mnemo` binary started by a test, with its output captured to files. Killed on deinit
/// if still running, so a failing test leaves no process behind.
public final class MnemoProcess: @unchecked Sendable {
    /// The binary built beside the test bundle (`.build/debug/mnemo`).
    public static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["MNEMO_BINARY"] {
            return URL(fileURLWithPath: override)
        }
        return URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("mnemo")
    }

    private let child: ChildProcess
    private let stdoutURL: URL
    private let stderrURL: URL

    /// Starts `mnemo arguments…`, writing its output under `directory`; `environment` adds to the
    /// test's own.
    public convenience init(
        _ arguments: [String], in directory: TemporaryDirectory, label: String, environment: [String: String] = [:]
    ) throws {
        try self.init(executable: Self.binary, arguments, in: directory, label: label, environment: environment)
    }

    /// Starts another program (for example `unshare` wrapping `mnemo`), writing its output under
    /// `directory`. Its cache folder is `directory/cache` unless `environment` sets `XDG_CACHE_HOME`:
    /// tests share nothing through `~/.cache`.
    public init(
        executable: URL, _ arguments: [String], in directory: TemporaryDirectory, label: String,
        environment: [String: String] = [:]
    ) throws {
        stdoutURL = directory.url.appendingPathComponent("\(label).stdout")
        stderrURL = directory.url.appendingPathComponent("\(label).stderr")
        let cache = ["XDG_CACHE_HOME": directory.url.appendingPathComponent("cache").path]
        child = try ChildProcess(
            executable: executable.path, arguments, directory: directory.url.path,
            environment: ProcessInfo.processInfo.environment.merging(cache) { $1 }.merging(environment) { $1 },
            standardOutput: stdoutURL.path, standardError: stderrURL.path)
    }

    public var pid: Int32 { child.pid }
    /// Whether the process ended by a signal (a crash, or a kill) rather than by exiting.
    public var wasSignalled: Bool {
        if case .signalled = child.ended { return true }
        return false
    }
    public var isRunning: Bool { child.isRunning }
    public var standardOutput: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    public var standardError: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Waits for exit; returns the exit status (the signal's number when a signal ended it), or nil if
    /// still running after `timeout` seconds.
    @discardableResult
    public func wait(timeout: TimeInterval) -> Int32? {
        switch child.wait(timeout: timeout) {
        case .exited(let status), .signalled(let status): status
        case nil: nil
        }
    }

    /// Sends `signal` (SIGKILL by default) and waits (up to a minute) for the process to end.
    public func kill(_ signal: Int32 = SIGKILL) {
        child.kill(signal)
    }

    /// Runs `mnemo arguments…` to completion and returns (status, stdout, stderr).
    public static func run(
        _ arguments: [String], in directory: TemporaryDirectory, label: String, timeout: TimeInterval = 300,
        environment: [String: String] = [:]
    ) throws -> (status: Int32?, stdout: String, stderr: String) {
        let process = try MnemoProcess(arguments, in: directory, label: label, environment: environment)
        let status = process.wait(timeout: timeout)
        return (status, process.standardOutput, process.standardError)
    }
}

/// Polls `condition` every 50 ms until it holds or `timeout` seconds pass.
public func eventually(timeout: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return try condition()
}
