import Foundation
import MnemoAnalysis
import MnemoCore
import MnemoData
import MnemoStore

/// `mnemo report`: one sweep as a self-contained HTML page, `report.html`, with every chart's numbers
/// in a CSV beside it (`<trial>-<chart>.csv`, `all-<chart>.csv` for charts of every trial) and, for
/// image datasets, contact sheets of each trial's most memorized examples and strongest influence
/// pairs (`<trial>-top-memorized.png`, `<trial>-top-pairs.png`).
///
/// Works on a running sweep too: the page is a snapshot, marked partial.
public enum SweepReport {
    /// Examples and pairs shown per trial.
    static let topCount = 12
    static let pairCount = 8

    /// Writes the report of the sweep `sweepName` (the only or newest when nil) into `directory`.
    ///
    /// - Parameter progress: told a line per step (loading the dataset, each trial, each audit).
    /// - Returns: the files written, the page first.
    /// - Throws: ``AnalysisError`` when the sweep is missing or has no finished run; ``StoreError``;
    ///   the file system's error when the folder cannot be written.
    public static func write(
        store: Store, sweepName: String?, to directory: URL, progress: (String) -> Void = { _ in }
    ) throws -> [URL] {
        let record = try TrialAnalysis.sweepRecord(store: store, name: sweepName)
        let spec = try JSONDecoder().decode(SweepSpec.self, from: Data(record.specYAML.utf8))
        let comparison = try SweepComparison.load(store: store, sweepName: record.name, sortBy: "test_accuracy")
        let withRuns = comparison.trials.filter { $0.runs > 0 }.sorted { $0.index < $1.index }
        guard !withRuns.isEmpty else {
            throw AnalysisError("sweep '\(record.name)' has no finished run yet: nothing to report")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var files = ReportFiles(directory: directory)
        var page = HTMLDocument(title: "Mnemo report: \(record.name)")
        let progressRows = try store.plannedProgress(sweepID: record.id)
        let (done, total) = progressRows.reduce((0, 0)) { ($0.0 + $1.done, $0.1 + $1.total) }
        if let banner = comparison.partialBanner {
            page.paragraph("Snapshot of a running sweep (\(done) of \(total) tasks done): \(banner).", className: "partial")
        }
        overview(record: record, spec: spec, comparison: comparison, done: done, total: total, into: &page)
        trialTable(comparison, into: &page)

        progress("preparing the dataset for pictures of examples")
        let gallery: ExampleGallery?
        let examples: DatasetExamples?
        do {
            let prepared = DatasetExamples(try PreparedDataset.make(spec: spec.dataset, seed: spec.seed, cache: nil))
            examples = prepared.contentHash == record.datasetSHA256 || record.datasetSHA256.isEmpty ? prepared : nil
            gallery = examples.flatMap { ExampleGallery($0, datasetName: spec.dataset.name) }
            if examples == nil {
                page.missing("The dataset files here differ from the sweep's (content hash \(prepared.contentHash.prefix(12))…): examples are shown by index only.")
            }
        } catch {
            examples = nil
            gallery = nil
            page.missing("The dataset is not readable here (\(error)): examples are shown by index only.")
        }

        var audits: [(row: SweepComparison.Row, audit: MembershipAudit?, variance: MeanInterval?)] = []
        var convergence: [(String, TrialConvergence)] = []
        for row in withRuns {
            progress("trial \(row.index) (\(row.name)): scores")
            let (scores, summary) = try TrialSummary.load(store: store, sweepName: record.name, trialIndex: row.index)
            page.heading("Trial \(row.index): \(TrialLabel.of(row))", id: "trial-\(row.index)")
            page.paragraph(summary.headline.replacingOccurrences(of: "\n", with: " · "))
            for warning in summary.warnings { page.paragraph("! \(warning)", className: "missing") }
            memorizationHistogram(scores, trial: row.index, into: &page, files: &files)
            try topExamples(scores, trial: row.index, examples: examples, gallery: gallery, into: &page, files: &files)
            convergence.append((TrialLabel.of(row), try TrialConvergence.load(store: store, sweepName: record.name, trialIndex: row.index)))
            progress("trial \(row.index): membership audit (run 0 as target, the other runs as reference)")
            audits.append(audit(store: store, sweep: record.name, row: row, into: &page, files: &files))
        }
        page.heading("Accuracy per influence-entropy bucket", id: "buckets")
        try bucketCharts(store: store, sweep: record.name, spec: spec, trials: withRuns, into: &page, files: &files)
        page.heading("Membership audit across trials", id: "audit")
        privacyUtility(audits, into: &page, files: &files)
        page.heading("Convergence", id: "convergence")
        convergenceChart(convergence, into: &page, files: &files)
        try files.write(page.html, to: "report.html", first: true)
        return files.written
    }

    // MARK: - Sweep

    private static func overview(
        record: SweepRecord, spec: SweepSpec, comparison: SweepComparison, done: Int, total: Int, into page: inout HTMLDocument
    ) {
        let runs = comparison.trials.reduce(0) { $0 + $1.runs }
        let seconds = comparison.trials.reduce(0.0) { $0 + Double($1.runs) * ($1.secondsPerRun ?? 0) }
        let trainer = spec.trainer.map { "\($0)" } ?? "built-in engine"
        page.heading("Sweep", id: "sweep")
        page.table(
            header: ["", ""],
            rows: [
                ["sweep", "\(record.name) (id \(record.id), created \(ISO8601DateFormatter().string(from: record.createdAt)))"],
                ["dataset", "\(spec.dataset.name) at \(spec.dataset.location), content hash \(record.datasetSHA256)"],
                ["trainer", trainer],
                ["estimator", "\(spec.estimator.subsets) subsets per trial, ratio \(spec.estimator.ratio), masks \(spec.estimator.masks)"],
                ["progress", "\(done) of \(total) tasks done, \(comparison.trials.count) trials"],
                ["cost", String(format: "%d runs, %.2f CPU-hours, %.2f s per run", runs, seconds / 3600, runs > 0 ? seconds / Double(runs) : 0)],
            ])
        if let json = try? JSONEncoder.sorted.encode(spec), let text = String(data: json, encoding: .utf8) {
            page.raw("<details><summary>Sweep configuration (as registered)</summary><pre>\(escape(text))</pre></details>")
        }
    }

    private static func trialTable(_ comparison: SweepComparison, into page: inout HTMLDocument) {
        page.heading("Trials", id: "trials")
        func stat(_ row: SweepComparison.Row, _ name: String) -> String {
            row.metrics[name].map { String(format: "%.4f ± %.4f", $0.mean, $0.se) } ?? "–"
        }
        let rows = comparison.trials.sorted { $0.index < $1.index }
        page.table(
            header: ["trial", "name", "runs", "test accuracy", "train-subset accuracy", "runs that fit", "mislabeled AUC", "s/run"],
            rows: rows.map { row in
                [
                    "\(row.index)\(row.index == comparison.best ? " ★" : "")", TrialLabel.of(row),
                    "\(row.runs) of \(row.runsTotal)\(row.stopped.map { " (stopped: \($0))" } ?? "")",
                    stat(row, "test_accuracy"), stat(row, "train_subset_accuracy"), row.runsFit.map(String.init) ?? "–",
                    row.mislabeledAUC.map { String(format: "%.3f", $0) } ?? "–",
                    row.secondsPerRun.map { String(format: "%.2f", $0) } ?? "–",
                ]
            },
            highlighted: Set(rows.indices.filter { rows[$0].index == comparison.best }))
        page.paragraph("★ best test accuracy. Mean ± standard error over each trial's runs.")
    }
}

extension JSONEncoder {
    fileprivate static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }
}

/// The files a report writes, in order.
struct ReportFiles {
    let directory: URL
    private(set) var written: [URL] = []

    init(directory: URL) {
        self.directory = directory
    }

    mutating func write(_ text: String, to name: String, first: Bool = false) throws {
        try write(Data(text.utf8), to: name, first: first)
    }

    mutating func write(_ data: Data, to name: String, first: Bool = false) throws {
        let url = directory.appendingPathComponent(name)
        try data.write(to: url, options: .atomic)
        if first { written.insert(url, at: 0) } else { written.append(url) }
    }
}
