import ArgumentParser
import Foundation
import MnemoReport

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

        @Option(help: "Which trial (index, see `mnemo status`; default 0).")
        var trial: Int?

        @Flag(help: "Export every trial: OUT/trials.csv and OUT/trial-INDEX/ for each trial with runs.")
        var allTrials = false

        @Option(help: "How many influence pairs influence_top.csv lists.")
        var pairs: Int = 1000

        @Option(help: "How many training examples influencers.csv lists for each test example.")
        var influencers: Int = 5

        func validate() throws {
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
            let tell = { (line: String) in FileHandle.standardError.write(Data("export: \(line)\n".utf8)) }
            if allTrials {
                files = try ExportReport.writeAllTrials(
                    store: database.openStore(), sweepName: database.sweep, to: directory, sizes: sizes, progress: tell)
            } else {
                files = try ExportReport.write(
                    store: database.openStore(), sweepName: database.sweep, trialIndex: trial ?? 0, to: directory,
                    sizes: sizes, warn: tell)
            }
            for file in files { print(file.path) }
        }
    }
}
