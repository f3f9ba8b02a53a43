import Foundation
import MnemoCore
import MnemoStore

/// What `mnemo compare` shows: every trial of a sweep with each metric's mean ± standard error over its
/// runs, the runs that reached the fit target, the mislabeled AUC where labels were planted and the
/// seconds per run, sorted best first.
///
/// ```
/// let comparison = try SweepComparison.load(store: store, sweepName: nil, sortBy: "test_accuracy")
/// comparison.best  // the winning trial's index
/// ```
public struct SweepComparison: Codable, Sendable {
    /// A metric's mean and standard error over a trial's runs (SE is NaN-free: 0 for one run).
    public struct Statistic: Codable, Sendable, Equatable {
        public var mean: Double
        public var se: Double
    }

    /// One trial's row.
    public struct Row: Codable, Sendable {
        public var index: Int
        public var name: String
        /// The trial's grid values, as JSON.
        public var params: [String: JSONValue]
        public var runs: Int
        /// The trial's tasks: ``runs`` below it means the trial is partial and its figures will move,
        /// unless its stop rule stopped it.
        public var runsTotal: Int
        /// Why the trial stopped before ``runsTotal`` runs (its stop rule was met), or nil.
        public var stopped: String?
        /// Runs that reached `until_train_accuracy` on their subset; nil without a target.
        public var runsFit: Int?
        public var metrics: [String: Statistic]
        public var mislabeledAUC: Double?
        public var secondsPerRun: Double?

        enum CodingKeys: String, CodingKey {
            case index, name, params, runs, metrics
            case runsFit = "runs_fit"
            case runsTotal = "runs_total"
            case stopped
            case mislabeledAUC = "mislabeled_auc"
            case secondsPerRun = "seconds_per_run"
        }
    }

    public var sweep: String
    public var sortBy: String
    /// The index of the best trial with runs, or nil when no trial has one.
    public var best: Int?
    public var trials: [Row]

    enum CodingKeys: String, CodingKey {
        case sweep, best, trials
        case sortBy = "sort_by"
    }

    /// The one-line banner of the trials still running, or nil when every trial is complete.
    public var partialBanner: String? {
        let partial = trials.filter { $0.runs < $0.runsTotal && $0.stopped == nil }.sorted { $0.index < $1.index }
        guard !partial.isEmpty else { return nil }
        return "partial: " + partial.map { "trial \($0.index) \($0.runs) of \($0.runsTotal) runs" }.joined(separator: ", ")
            + " (figures will move)"
    }

    /// The metrics every result has; others come from what trainers report (`loss`, …).
    public static let standardMetrics = ["test_accuracy", "train_subset_accuracy", "epochs", "seconds"]

    /// Whether sorting by `metric` puts higher values first: accuracies, AUCs and scores of that kind;
    /// losses, times and everything else go lowest first.
    public static func higherIsBetter(_ metric: String) -> Bool {
        ["accuracy", "auc", "f1", "precision", "recall", "score"].contains { metric.hasSuffix($0) }
    }

    /// Compares the trials of the sweep `sweepName` (the newest when nil) by `sortBy`.
    ///
    /// - Throws: ``AnalysisError`` when the sweep is missing or no trial reports `sortBy`.
    public static func load(store: Store, sweepName: String?, sortBy: String) throws -> SweepComparison {
        let record = try TrialAnalysis.sweepRecord(store: store, name: sweepName)
        let spec = try JSONDecoder().decode(SweepSpec.self, from: Data(record.specYAML.utf8))
        var rows: [Row] = []
        let progress = try store.plannedProgress(sweepID: record.id)
        let cancellations = try store.cancellationReasons(sweepID: record.id)
        for trial in try store.trials(sweepID: record.id) {
            var values: [String: [Double]] = [:]
            var fit = 0
            let target = spec.fitTarget(ofTrialNamed: trial.name)
            try store.forEachResult(sweepID: record.id, trialIndex: trial.trialIndex) { result in
                values["test_accuracy", default: []].append(result.testAccuracy)
                values["train_subset_accuracy", default: []].append(result.subsetAccuracy)
                values["epochs", default: []].append(Double(result.epochs))
                values["seconds", default: []].append(result.seconds)
                for (name, value) in decodeMetrics(result.metrics) { values[name, default: []].append(value) }
                if let target, result.subsetAccuracy >= target { fit += 1 }
            }
            let runs = values["seconds"]?.count ?? 0
            var auc: Double?
            if runs > 0, try store.artifact(sweepID: record.id, name: DatasetSummary.artifactName) != nil {
                auc = try TrialAnalysis.load(store: store, sweepName: record.id, trialIndex: trial.trialIndex)
                    .mislabeledDetection?.auc
            }
            rows.append(
                Row(
                    index: trial.trialIndex, name: trial.name,
                    params: Dictionary(
                        (spec.parameters(ofTrialNamed: trial.name) ?? []).map { ($0.key, JSONValue(parsing: $0.json)) },
                        uniquingKeysWith: { first, _ in first }),
                    runs: runs, runsTotal: progress.first { $0.trialIndex == trial.trialIndex }?.total ?? runs,
                    stopped: EstimateQuality.stopReason(in: cancellations, trialIndex: trial.trialIndex),
                    runsFit: target == nil ? nil : fit,
                    metrics: values.mapValues(statistic), mislabeledAUC: auc.flatMap { $0.isNaN ? nil : $0 },
                    secondsPerRun: runs > 0 ? values["seconds"].map { Descriptive.mean($0) } : nil))
        }
        guard rows.contains(where: { key(of: $0, sortBy) != nil }) || rows.allSatisfy({ $0.runs == 0 }) else {
            let known = Set(rows.flatMap(\.metrics.keys)).union(["seconds_per_run", "mislabeled_auc"]).sorted()
            throw AnalysisError("no run of sweep \(record.id) reports '\(sortBy)'; sort by one of: \(known.joined(separator: ", "))")
        }
        let sorted = sort(rows, by: sortBy)
        let best = sorted.first { key(of: $0, sortBy) != nil }?.index
        return SweepComparison(sweep: record.id, sortBy: sortBy, best: best, trials: sorted)
    }

    /// The value a row is sorted by, or nil when it has none (no runs, metric not reported).
    static func key(of row: Row, _ sortBy: String) -> Double? {
        switch sortBy {
        case "seconds_per_run": row.secondsPerRun
        case "mislabeled_auc": row.mislabeledAUC
        default: row.metrics[sortBy]?.mean
        }
    }

    /// Best first; rows without the value last, by index.
    static func sort(_ rows: [Row], by sortBy: String) -> [Row] {
        let descending = higherIsBetter(sortBy)
        return rows.sorted { left, right in
            switch (key(of: left, sortBy), key(of: right, sortBy)) {
            case (let l?, let r?) where l != r: return descending ? l > r : l < r
            case (nil, _?): return false
            case (_?, nil): return true
            default: return left.index < right.index
            }
        }
    }

    private static func statistic(_ values: [Double]) -> Statistic {
        let mean = Descriptive.mean(values)
        guard values.count > 1 else { return Statistic(mean: mean, se: 0) }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return Statistic(mean: mean, se: (variance / Double(values.count)).squareRoot())
    }

    private static func decodeMetrics(_ json: String?) -> [String: Double] {
        guard let json, let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return [:] }
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
}
