import CoreMetrics
import Foundation
import MnemoStore

/// What a coordinator reports through swift-metrics, names prefixed `mnemo_`. Without a metrics
/// backend (the default) every call is a no-op; `mnemo coordinator --metrics HOST:PORT` bootstraps
/// Prometheus and serves them.
///
/// - `mnemo_tasks{sweep, state}`: tasks by state (pending, leased, done, quarantined, cancelled);
/// - `mnemo_workers{state}`: connected workers (`active`, `draining`);
/// - `mnemo_results_total`, `mnemo_task_failures_total`: results accepted, failures reported;
/// - `mnemo_lease_expiries_total`, `mnemo_workers_lost_total`: leases that expired, workers that left
///   without a goodbye;
/// - `mnemo_commit_entries`: writes per group commit (histogram);
/// - `mnemo_ingest_latency_seconds`: from a result's arrival to the commit that stores it (histogram);
/// - `mnemo_malformed_messages_total`, `mnemo_refused_connections_total`;
/// - `mnemo_dataset_bytes_served_total`: dataset chunks shipped to workers that lack the data.
final class CoordinatorMetrics {
    let results = Counter(label: "mnemo_results_total")
    let failures = Counter(label: "mnemo_task_failures_total")
    let leaseExpiries = Counter(label: "mnemo_lease_expiries_total")
    let workersLost = Counter(label: "mnemo_workers_lost_total")
    let malformed = Counter(label: "mnemo_malformed_messages_total")
    let refusedConnections = Counter(label: "mnemo_refused_connections_total")
    let datasetBytes = Counter(label: "mnemo_dataset_bytes_served_total")
    let commitEntries = Recorder(label: "mnemo_commit_entries", aggregate: true)
    let ingestLatency = CoreMetrics.Timer(label: "mnemo_ingest_latency_seconds")
    private var taskGauges: [String: Gauge] = [:]
    private var workerGauges: [String: Gauge] = [:]

    /// Sets `mnemo_tasks` of one sweep, one series per task state.
    func setTasks(sweep: String, counts: TaskCounts) {
        for state in TaskState.allCases {
            let key = sweep + "\u{0}" + state.rawValue
            let gauge = taskGauges[key] ?? Gauge(label: "mnemo_tasks", dimensions: [("sweep", sweep), ("state", state.rawValue)])
            taskGauges[key] = gauge
            gauge.record(counts[state])
        }
    }

    /// Sets `mnemo_workers` for one state.
    func setWorkers(state: String, count: Int) {
        let gauge = workerGauges[state] ?? Gauge(label: "mnemo_workers", dimensions: [("state", state)])
        workerGauges[state] = gauge
        gauge.record(count)
    }

    /// Counts what a scheduler effect asks to count.
    func count(_ event: SchedulerCount, _ amount: Int) {
        switch event {
        case .leaseExpired: leaseExpiries.increment(by: amount)
        case .workerLost: workersLost.increment(by: amount)
        }
    }
}
