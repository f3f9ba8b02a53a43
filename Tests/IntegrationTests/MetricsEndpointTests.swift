import Foundation
import MnemoTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `mnemo coordinator --metrics` serves Prometheus text that follows the sweep, and `--log-format json`
/// writes one JSON object per line. Real binary, real HTTP.
@Suite(.serialized) struct MetricsEndpointTests {
    static func fetch(_ url: URL) -> String? {
        let semaphore = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var text: String?
        let task = URLSession.shared.dataTask(with: url) { data, _, _ in
            text = data.map { String(decoding: $0, as: UTF8.self) }
            semaphore.signal()
        }
        task.resume()
        _ = semaphore.wait(timeout: .now() + 10)
        return text
    }

    /// The value of the sample whose name and labels are `series`, e.g. `mnemo_results_total`.
    static func value(of series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func metricsFollowTheSweepAndLogsCanBeJSON() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(CurveSecurityTests.sweep, to: "curve.yaml")
        let workerPort = try FreePort.pick()
        let metricsPort = try FreePort.pick()
        let coordinator = try MnemoProcess(
            [
                "coordinator", sweep, "--bind", "tcp://127.0.0.1:\(workerPort)", "--db", dir.path("curve.sqlite"), "--serve",
                "--no-progress", "--metrics", "127.0.0.1:\(metricsPort)", "--log-format", "json",
            ], in: dir, label: "coordinator")
        let url = URL(string: "http://127.0.0.1:\(metricsPort)/metrics")!
        #expect(eventually(timeout: 30) { Self.fetch(url)?.contains("mnemo_tasks") == true }, "\(coordinator.standardError)")
        let before = try #require(Self.fetch(url))
        #expect(Self.value(of: #"mnemo_tasks{sweep="curve",state="pending"}"#, in: before) == 40, "\(before)")
        let worker = try MnemoProcess(
            ["worker", "--connect", "tcp://127.0.0.1:\(workerPort)", "--id", "metered", "--idle-exit", "60"], in: dir, label: "worker")
        #expect(
            eventually(timeout: 60) {
                Self.fetch(url).flatMap { Self.value(of: #"mnemo_tasks{sweep="curve",state="done"}"#, in: $0) } == 40
            }, "\(coordinator.standardError)")
        let after = try #require(Self.fetch(url))
        #expect(Self.value(of: "mnemo_results_total", in: after) == 40, "\(after)")
        #expect(Self.value(of: #"mnemo_workers{state="active"}"#, in: after) == 1, "\(after)")
        #expect(Self.value(of: "mnemo_ingest_latency_seconds_count", in: after).map { $0 > 0 } == true, "\(after)")
        #expect(Self.value(of: "mnemo_commit_entries_count", in: after).map { $0 > 0 } == true, "\(after)")
        // Nothing went wrong: the failure counters are there, at zero.
        for counter in ["mnemo_lease_expiries_total", "mnemo_workers_lost_total", "mnemo_malformed_messages_total", "mnemo_task_failures_total"] {
            #expect(Self.value(of: counter, in: after) == 0, "\(counter): \(after)")
        }
        // Stopped after its sweep is done, a --serve coordinator interrupted nothing: exit 0.
        coordinator.kill(SIGTERM)
        #expect(coordinator.wait(timeout: 30) == 0, "\(coordinator.standardOutput)")
        #expect(coordinator.standardOutput.contains("stopped; all 40 tasks were done"), "\(coordinator.standardOutput)")
        worker.kill(SIGTERM)
        let lines = coordinator.standardError.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(object?["level"] != nil && object?["message"] != nil && object?["time"]?.hasSuffix("Z") == true, "\(line)")
        }
    }
}
