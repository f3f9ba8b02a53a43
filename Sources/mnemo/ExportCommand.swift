import ArgumentParser
import Foundation
import Logging
import MnemoAnalysis
import MnemoReport
import MnemoStore

extension Mnemo {
    struct ExportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write a trial's (or every trial's) scores as CSV, JSON and NumPy .npz files.",
            discussion: """
                Writes memorization.csv, influence_top.csv, influencers.csv, entropy.csv, summary.json,
                fz_estimates.npz (the Feldman–Zhang release layout) and runs.npz. With --all-trials, writes trials.csv and these
                files for each trial with runs into OUT/trial-INDEX/. Examples:
                  mnemo export sweeps/quickstart.sqlite --out out/quickstart
                  mnemo export sweeps/grid.sqlite --out out/grid --all-trials
                """)

        @OptionGroup var database: DatabaseOptions

        @Option(help: "The folder to write into (created if needed).")
        var out: String

        @Option(parsing: .unconditional, help: "Which trial (index, see `mnemo status`; default 0).")
        var trial: Int?

        @Flag(help: "Export every trial: OUT/trials.csv and OUT/trial-INDEX/ for each trial with runs.")
        var allTrials = false

        @Option(parsing: .unconditional, help: "How many influence pairs influence_top.csv lists.")
        var pairs: Int = 1000

        @Option(parsing: .unconditional, help: "How many training examples influencers.csv lists for each test example.")
        var influencers: Int = 5

        @Flag(help: "Also write influence_full.npy: every training example's influence on every test example (n × t float32, written in blocks; 4 bytes per pair on disk).")
        var fullInfluence = false

        func validate() throws {
            try OutputFolder.validate(out)
            if let trial, trial < 0 { throw ValidationError("--trial must be a trial index (0 or more), got \(trial)") }
            guard (0...10_000_000).contains(pairs) else {
                throw ValidationError("--pairs must be in 0...10000000, got \(pairs)")
            }
            guard (0...1000).contains(influencers) else {
                throw ValidationError("--influencers must be in 0...1000, got \(influencers)")
            }
            if allTrials, let trial {
                throw ValidationError(
                    "--all-trials and --trial \(trial) exclude each other: drop --trial to export every trial, "
                        + "or --all-trials to export trial \(trial) alone")
            }
        }

        func run() throws {
            let directory = URL(fileURLWithPath: out)
            let files: [URL]
            let sizes = ExportSizes(topPairs: pairs, influencers: influencers)
            let logger = database.makeLogger("mnemo.export")
            let tell = { (line: String) in logger.info("\(line)") }
            if allTrials {
                files = try ExportReport.writeAllTrials(
                    store: database.openStore(), sweepName: database.sweep, to: directory, sizes: sizes, progress: tell)
            } else {
                files = try ExportReport.write(
                    store: database.openStore(), sweepName: database.sweep, trialIndex: trial ?? 0, to: directory,
                    sizes: sizes, warn: tell)
            }
            var written = files
            if fullInfluence {
                let store = try database.openStore()
                for index in try fullInfluenceTrials(store: store) {
                    let folder = allTrials ? directory.appendingPathComponent("trial-\(index)") : directory
                    let url = folder.appendingPathComponent("influence_full.npy")
                    try FullInfluenceExport.write(
                        store: store, sweepName: database.sweep, trialIndex: index, to: url,
                        progress: { done, total in tell("trial \(index): influence_full.npy \(done) of \(total) rows") })
                    written.append(url)
                }
            }
            for file in written { print(file.path) }
        }

        /// The trials whose full matrix is written: the one exported, or every trial with runs.
        private func fullInfluenceTrials(store: Store) throws -> [Int] {
            guard allTrials else { return [trial ?? 0] }
            let sweep = try TrialAnalysis.sweepRecord(store: store, name: database.sweep)
            return try store.progress(sweepID: sweep.id).filter { $0.done > 0 }.map(\.trialIndex)
        }
    }
}
