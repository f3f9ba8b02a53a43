import Foundation
import MnemoLearn
import Testing
@testable import MnemoCluster

/// The supervisor of external commands, with real processes: exit codes, signals, timeouts,
/// cancellation and the graceful SIGTERM reach the command's whole process group, and nothing is left
/// behind.
@Suite struct SupervisedCommandTests {
    /// A scratch folder for one test's logs.
    private func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mnemo-supervised-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func shell(_ script: String, in folder: String, environment: [String: String] = [:]) -> SupervisedCommand {
        SupervisedCommand(
            executable: "/bin/sh", arguments: ["sh", "-c", script],
            environment: ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }, workdir: folder,
            stdoutPath: folder + "/stdout.log", stderrPath: folder + "/stderr.log")
    }

    /// Whether process `pid` runs (a zombie, killed but not yet reaped by its parent, does not).
    private func isAlive(_ pid: Int32) -> Bool {
        guard let stat = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return false }
        return !String(decoding: stat, as: UTF8.self).contains(") Z ")
    }

    @Test func exitStatusOutputAndWorkFolderAreThoseOfTheCommand() throws {
        let dir = try folder()
        let ended = try shell("pwd; echo $MNEMO_TEST_VALUE >&2; exit 3", in: dir, environment: ["MNEMO_TEST_VALUE": "v42"])
            .run(timeout: nil, cancellation: TrainingCancellation()).termination
        #expect(ended == .exited(3))
        let out = try String(contentsOfFile: dir + "/stdout.log", encoding: .utf8)
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == URL(fileURLWithPath: dir).resolvingSymlinksInPath().path)
        #expect(try String(contentsOfFile: dir + "/stderr.log", encoding: .utf8) == "v42\n")
    }

    @Test func aSignalTheWorkerDidNotSendIsReportedAsSuch() throws {
        let ended = try shell("kill -SEGV $$", in: try folder()).run(timeout: nil, cancellation: TrainingCancellation()).termination
        #expect(ended == .signalled(SIGSEGV))
    }

    @Test func aMissingProgramOrFolderNeverStarts() throws {
        let dir = try folder()
        var missing = shell("true", in: dir)
        missing.executable = dir + "/no-such-program"
        guard case .couldNotStart(let reason) = try missing.run(timeout: nil, cancellation: TrainingCancellation()).termination else {
            Issue.record("a missing program must not start")
            return
        }
        #expect(reason.contains("no-such-program") && reason.contains("No such file"))
        var noFolder = shell("true", in: dir)
        noFolder.workdir = dir + "/absent"
        guard case .couldNotStart(let folderReason) = try noFolder.run(timeout: nil, cancellation: TrainingCancellation()).termination else {
            Issue.record("a missing work folder must not start")
            return
        }
        #expect(folderReason.contains("work folder"))
    }

    @Test func aTimeoutKillsTheWholeGroupGrandchildrenIncluded() throws {
        let dir = try folder()
        let started = Date()
        // The grandchild sleeps in the background: only a kill of the whole group reaches it.
        let ended = try shell("sleep 300 & echo $! > \(dir)/grandchild; sleep 300; true", in: dir)
            .run(timeout: 3, cancellation: TrainingCancellation()).termination
        #expect(ended == .timedOut)
        #expect(Date().timeIntervalSince(started) < 10)
        let pid = try #require(Int32(try String(contentsOfFile: dir + "/grandchild", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        Thread.sleep(forTimeInterval: 0.2)
        #expect(!isAlive(pid))
    }

    @Test func cancellationKillsAndTheGracePeriodSendsSIGTERMFirst() throws {
        let dir = try folder()
        let cancellation = TrainingCancellation()
        // The command records SIGTERM and then keeps running: only the later cancellation ends it.
        let script = "trap 'echo got-term > \(dir)/term' TERM; touch \(dir)/ready; "
            + "i=0; while [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done"
        // A thread of its own (the shared Dispatch pool may be busy with other tests): grace once the
        // trap is set, cancel once SIGTERM was seen.
        let driver = Thread {
            func waitFor(_ file: String) {
                let deadline = Date().addingTimeInterval(30)
                while !FileManager.default.fileExists(atPath: file), Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            }
            waitFor(dir + "/ready")
            cancellation.beginGracePeriod()
            waitFor(dir + "/term")
            cancellation.cancel()
        }
        driver.start()
        let started = Date()
        let ended = try shell(script, in: dir).run(timeout: nil, cancellation: cancellation)
        #expect(ended.termination == .cancelled && ended.stopped)
        #expect(FileManager.default.fileExists(atPath: dir + "/term"))
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func aStopSignalSentToEveryProcessCountsAsAStopNotAFailure() throws {
        // systemd, Slurm and terminals signal every process at once, so the command may die of SIGTERM
        // before the worker begins its grace period: the supervisor records that it was signalled too.
        let dir = try folder()
        let command = shell("echo $PPID $$ > \(dir)/pids.tmp; mv \(dir)/pids.tmp \(dir)/pids; exec sleep 300", in: dir)
        let signaller = Thread {
            let deadline = Date().addingTimeInterval(30)
            var text = ""
            while text.isEmpty, Date() < deadline {
                text = (try? String(contentsOfFile: dir + "/pids", encoding: .utf8)) ?? ""
                Thread.sleep(forTimeInterval: 0.02)
            }
            // The command first, the supervisor 50 ms later: such a signal is not atomic, and the
            // supervisor must not call the command's death a failure before its own copy arrives.
            for pid in text.split(separator: " ").compactMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }).reversed() {
                kill(pid, SIGTERM)
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        signaller.start()
        let ended = try command.run(timeout: 60, cancellation: TrainingCancellation())
        #expect(ended.stopped, "\(ended)")
        #expect(ended.effective == .cancelled, "\(ended)")
    }
}
