import Foundation
import MnemoAnalysis
import MnemoCore
import MnemoStore

/// `mnemo export`: loads trials' scores from the database and writes them with ``Exporter``.
public enum ExportReport {
    /// Writes one trial's files into `directory`.
    ///
    /// - Parameter warn: told each limit of the estimates (``EstimateQuality/warnings``), e.g. a partial trial.
    /// - Returns: the files written.
    /// - Throws: ``AnalysisError`` when the sweep or trial is missing or the trial has no finished run.
    public static func write(
        store: Store, sweepName: String?, trialIndex: Int, to directory: URL, sizes: ExportSizes,
        warn: (String) -> Void = { _ in }
    ) throws -> [URL] {
        let sweep = try TrialAnalysis.sweepRecord(store: store, name: sweepName)
        let written = try write(store: store, sweepID: sweep.id, trialIndex: trialIndex, to: directory, sizes: sizes, at: Date())
        written.summary.warnings.forEach(warn)
        return written.files
    }

    /// Writes every trial of the sweep: `directory/trials.csv` (see ``TrialsTable``) and, for each trial
    /// with a finished run, the files of a one-trial export in `directory/trial-INDEX/`. A trial
    /// without runs gets no folder.
    ///
    /// - Parameter progress: told a line per trial, as each is written or skipped, then a line for each
    ///   limit of its estimates (``EstimateQuality/warnings``).
    /// - Returns: the files written.
    /// - Throws: ``AnalysisError`` when the sweep is missing.
    public static func writeAllTrials(
        store: Store, sweepName: String?, to directory: URL, sizes: ExportSizes, progress: (String) -> Void = { _ in }
    ) throws -> [URL] {
        let sweep = try TrialAnalysis.sweepRecord(store: store, name: sweepName)
        let spec = try JSONDecoder().decode(SweepSpec.self, from: Data(sweep.specYAML.utf8))
        let trials = try store.plannedProgress(sweepID: sweep.id)
        let exportedAt = Date()
        var table = TrialsTable(spec: spec)
        var files: [URL] = []
        for (position, trial) in trials.enumerated() {
            let label = "trial \(trial.trialIndex) (\(position + 1) of \(trials.count), \(trial.name))"
            var summary: TrialSummary?
            if trial.done > 0 {
                let folder = directory.appendingPathComponent("trial-\(trial.trialIndex)")
                let written = try write(
                    store: store, sweepID: sweep.id, trialIndex: trial.trialIndex, to: folder, sizes: sizes,
                    at: exportedAt)
                files += written.files
                summary = written.summary
                progress("\(label): \(written.summary.runs) runs → \(folder.path)")
                for warning in written.summary.warnings { progress("trial \(trial.trialIndex): \(warning)") }
            } else {
                progress("\(label): no finished run, no folder")
            }
            table.rows.append(
                TrialsTable.Row(
                    trialIndex: trial.trialIndex, name: trial.name, runsTotal: trial.total, summary: summary,
                    parameters: spec.parameters(ofTrialNamed: trial.name)))
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let csv = directory.appendingPathComponent("trials.csv")
        try Data(table.csv.utf8).write(to: csv, options: .atomic)
        return [csv] + files
    }

    /// Writes one trial of the sweep `sweepID`, saying `exportedAt` in its `summary.json`.
    private static func write(
        store: Store, sweepID: String, trialIndex: Int, to directory: URL, sizes: ExportSizes, at exportedAt: Date
    ) throws -> (files: [URL], summary: TrialSummary) {
        let (scores, summary) = try TrialSummary.load(store: store, sweepName: sweepID, trialIndex: trialIndex)
        let description = try TrialDescription(analysis: scores.analysis, store: store, exportedAt: exportedAt)
        let exporter = Exporter(store: store, scores: scores, summary: summary, description: description)
        return (try exporter.write(to: directory, sizes: sizes), summary)
    }
}
