import Foundation
import MnemoAnalysis
import MnemoStore

/// `mnemo status`: per-trial task counts, the workers seen and the latest events.
public enum StatusReport {
    public static func text(store: Store, sweepName: String?) throws -> String {
        let sweep = try TrialAnalysis.sweepRecord(store: store, name: sweepName)
        let progress = try store.progress(sweepID: sweep.id)
        var lines = ["sweep \(sweep.id) · \(store.path)"]
        lines.append(Table.render(
            header: ["trial", "name", "done", "total", "pending", "leased", "retrying", "quarantined", "progress"],
            rows: progress.map { trial in
                [
                    "\(trial.trialIndex)", trial.name, "\(trial.done)", "\(trial.total)", "\(trial.pending)",
                    "\(trial.leased)", "\(trial.retrying)", "\(trial.quarantined)",
                    String(format: "%.0f%%", trial.total > 0 ? 100 * Double(trial.done) / Double(trial.total) : 0),
                ]
            }))
        let done = progress.reduce(0) { $0 + $1.done }
        let total = progress.reduce(0) { $0 + $1.total }
        lines.append("all trials: \(done)/\(total) tasks done")
        if let registering = try store.registrationInProgress(sweepID: sweep.id) {
            lines.append(
                "registering: \(total) of its \(registering.tasks) tasks stored so far (a coordinator serving this "
                    + "database stores the rest before serving the sweep)")
        }
        let workers = try store.workers()
        if !workers.isEmpty {
            let formatter = ISO8601DateFormatter()
            lines.append("")
            lines.append(Table.render(
                header: ["worker", "host", "pid", "tasks done", "last seen"],
                rows: workers.map { ["\($0.id)", $0.host, "\($0.pid)", "\($0.tasksDone)", formatter.string(from: $0.lastSeen)] }))
        }
        let events = try store.recentEvents(limit: 5)
        if !events.isEmpty {
            let formatter = ISO8601DateFormatter()
            lines.append("")
            lines.append("latest events:")
            lines += events.map { event in
                "  \(formatter.string(from: event.time)) \(event.kind)\(event.workerID.map { " \($0)" } ?? "")"
                    + "\(event.taskID.map { " task \($0.prefix(12))" } ?? ""): \(event.message)"
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `mnemo status --failures`: every task that failed or was quarantined, with its reason.
    public static func failures(store: Store, sweepName: String?) throws -> String {
        let sweep = try TrialAnalysis.sweepRecord(store: store, name: sweepName)
        let failed = try store.failedTasks(sweepID: sweep.id)
        guard !failed.isEmpty else { return "sweep \(sweep.id): no task has failed" }
        return Table.render(
            header: ["task", "trial", "subset", "state", "failures", "workers died", "reason"],
            rows: failed.map { task in
                [
                    String(task.id.prefix(12)), "\(task.trialIndex)", "\(task.subsetIndex)", task.state.rawValue,
                    "\(task.failures)", task.crashedWorkers.isEmpty ? "-" : task.crashedWorkers,
                    task.lastError ?? "-",
                ]
            })
    }
}
