import CSupervisor
import Foundation
import MnemoLearn

#if canImport(Glibc)
import Glibc
#endif

/// One external command run under a supervisor process (the `CSupervisor` shim) in a process group of
/// its own: when the worker dies, even by SIGKILL, the supervisor kills the whole group; a timeout or a
/// cancellation kills the group too, and a worker's graceful stop sends the group SIGTERM first.
///
/// ```
/// let ended = try SupervisedCommand(executable: "/usr/bin/python3", arguments: ["train.py"], ...)
///     .run(timeout: 3600, cancellation: cancellation)
/// ```
struct SupervisedCommand {
    /// The program, an absolute path.
    var executable: String
    /// Every word of the command line, the program's name first.
    var arguments: [String]
    /// The command's whole environment.
    var environment: [String: String]
    /// The folder it starts in.
    var workdir: String
    /// Files its standard output and standard error go to (created or truncated).
    var stdoutPath: String
    var stderrPath: String

    /// How a supervised command ended.
    enum Termination: Equatable, Sendable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal Mnemo did not send ended it (a crash, the out-of-memory killer, `kill -9` by hand).
        case signalled(Int32)
        /// It ran past its timeout and its group was killed.
        case timedOut
        /// The worker cancelled it (a revoked lease, the end of a grace period) and killed its group, or
        /// it stopped without success after the grace period's SIGTERM.
        case cancelled
        /// It never started: the program or its folder could not be used (the reason in words).
        case couldNotStart(String)
    }

    /// How a run ended, and whether it was asked to stop first (then a failure is no failure: the
    /// worker is stopping and the run goes back to the coordinator).
    struct Outcome: Equatable, Sendable {
        var termination: Termination
        var stopped: Bool

        /// The termination as the worker treats it: a non-zero exit or a signal after a stop request is
        /// a cancellation.
        var effective: Termination {
            guard stopped else { return termination }
            switch termination {
            case .signalled, .exited(1...): return .cancelled
            default: return termination
            }
        }
    }

    /// A command that could not even be handed to a supervisor (no pipe, no process).
    struct LaunchError: Error, CustomStringConvertible {
        let description: String
    }

    /// How often the run checks its timeout and cancellation while the command runs.
    static let pollInterval: Int32 = 100

    /// Runs the command to its end. A `timeout` (seconds) or `cancellation.cancel()` kills its group;
    /// `cancellation.beginGracePeriod()` sends the group SIGTERM once.
    func run(timeout: Double?, cancellation: TrainingCancellation) throws(LaunchError) -> Outcome {
        let stdoutFD = open(stdoutPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        let stderrFD = open(stderrPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        defer {
            if stdoutFD >= 0 { close(stdoutFD) }
            if stderrFD >= 0 { close(stderrFD) }
        }
        guard stdoutFD >= 0, stderrFD >= 0 else {
            throw LaunchError(description: "cannot create the command's log files in \(stdoutPath): \(Self.errnoText())")
        }
        var pipeFDs: [Int32] = [-1, -1]
        guard mnemo_pipe_cloexec(&pipeFDs) == 0 else {
            throw LaunchError(description: "cannot create a pipe for the supervisor: \(Self.errnoText())")
        }
        let (reportRead, reportWrite) = (pipeFDs[0], pipeFDs[1])
        defer { close(reportRead) }
        let supervisor = Self.withCStrings(arguments) { argv in
            Self.withCStrings(environment.map { "\($0.key)=\($0.value)" }.sorted()) { envp in
                mnemo_supervisor_spawn(executable, argv, envp, workdir, stdoutFD, stderrFD, reportWrite)
            }
        }
        close(reportWrite)
        guard supervisor > 0 else {
            throw LaunchError(description: "cannot start a supervisor process: \(Self.errnoText())")
        }
        let started = Date()
        var reports: [mnemo_supervisor_report] = []
        var pending = Data()
        var sentTerm = false
        var killedBy: Termination?
        while true {
            if killedBy == nil {
                if cancellation.isCancelled {
                    killedBy = .cancelled
                    kill(supervisor, SIGUSR1)
                } else if let timeout, Date().timeIntervalSince(started) >= timeout {
                    killedBy = .timedOut
                    kill(supervisor, SIGUSR1)
                } else if cancellation.isInGracePeriod, !sentTerm {
                    sentTerm = true
                    kill(supervisor, SIGTERM)
                }
            }
            var poll = pollfd(fd: reportRead, events: Int16(POLLIN), revents: 0)
            let ready = Glibc.poll(&poll, 1, Self.pollInterval)
            guard ready > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 256)
            let count = read(reportRead, &buffer, buffer.count)
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            pending.append(contentsOf: buffer[0..<count])
            let size = MemoryLayout<mnemo_supervisor_report>.size
            while pending.count >= size {
                let record = pending.prefix(size).withUnsafeBytes { $0.loadUnaligned(as: mnemo_supervisor_report.self) }
                reports.append(record)
                pending.removeFirst(size)
            }
            // The command's end is the last record: do not wait for an end of file that a descriptor
            // leaked into another process could hold back.
            if reports.last?.tag == Int32(UInt8(ascii: "W")) { break }
        }
        var status: Int32 = 0
        while waitpid(supervisor, &status, 0) < 0, errno == EINTR {}
        let ended = Self.termination(reports: reports, killedBy: killedBy, executable: executable, workdir: workdir)
        // Asked to stop — by the worker, or by a signal to every process (systemd, Slurm, a terminal),
        // which may reach the command before the worker has begun its grace period.
        let stopped = sentTerm || reports.contains { $0.tag == Int32(UInt8(ascii: "T")) }
        return Outcome(termination: ended, stopped: stopped)
    }

    /// Reads the supervisor's records: a failure to start wins, then a kill Mnemo asked for, then the
    /// command's own wait status.
    private static func termination(
        reports: [mnemo_supervisor_report], killedBy: Termination?, executable: String, workdir: String
    ) -> Termination {
        for report in reports {
            switch UInt8(truncatingIfNeeded: report.tag) {
            case UInt8(ascii: "X"): return .couldNotStart("cannot execute \(executable): \(errnoText(report.value))")
            case UInt8(ascii: "D"): return .couldNotStart("cannot enter the work folder \(workdir): \(errnoText(report.value))")
            case UInt8(ascii: "F"): return .couldNotStart("the supervisor could not fork: \(errnoText(report.value))")
            default: continue
            }
        }
        guard let ended = reports.last(where: { $0.tag == Int32(UInt8(ascii: "W")) }) else {
            // The supervisor itself was killed before the command ended (it kills the group first).
            return killedBy ?? .signalled(SIGKILL)
        }
        if let killedBy { return killedBy }
        if mnemo_wait_exited(ended.value) != 0 { return .exited(mnemo_wait_exit_code(ended.value)) }
        return .signalled(mnemo_wait_signal(ended.value))
    }

    private static func errnoText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }

    /// Calls `body` with a NULL-terminated C array of the strings, valid for the call.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}
