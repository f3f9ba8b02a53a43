import ArgumentParser
import Foundation
import MnemoReport

extension Mnemo {
    struct ExportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write a trial's scores as CSV, JSON and NumPy .npz files.",
            discussion: """
                Writes memorization.csv, influence_top.csv, entropy.csv, summary.json, fz_estimates.npz (the
                Feldman–Zhang release layout) and runs.npz. Example:
                  mnemo export sweeps/quickstart.sqlite --out out/quickstart
                """)

        @OptionGroup var database: DatabaseOptions

        @Option(help: "The folder to write into (created if needed).")
        var out: String

        @Option(help: "Which trial (index, see `mnemo status`).")
        var trial: Int = 0

        @Option(help: "How many influence pairs influence_top.csv lists.")
        var pairs: Int = 1000

        func validate() throws {
            guard (0...10_000_000).contains(pairs) else {
                throw ValidationError("--pairs must be in 0...10000000, got \(pairs)")
            }
        }

        func run() throws {
            let files = try ExportReport.write(
                store: database.openStore(), sweepName: database.sweep, trialIndex: trial,
                to: URL(fileURLWithPath: out), topPairs: pairs)
            for file in files { print(file.path) }
        }
    }
}
