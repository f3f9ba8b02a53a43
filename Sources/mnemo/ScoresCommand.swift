import ArgumentParser
import Foundation
import Logging
import MnemoAnalysis
import MnemoCluster
import MnemoReport

extension Mnemo {
    struct ScoresCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scores",
            abstract: "Show the most memorized examples, the top influence pairs and the entropy buckets.",
            discussion: "Example:\n  mnemo scores sweeps/quickstart.sqlite --top 20")

        @OptionGroup var database: DatabaseOptions

        @Option(parsing: .unconditional, help: "Which trial (index, see `mnemo status`).")
        var trial: Int = 0

        @Option(help: "How many rows of each table.")
        var top: Int = 10

        @Option(parsing: .unconditional, help: "Leave estimates whose standard error is larger out of the top lists.")
        var maxSe: Double = TrialScores.defaultMaximumSE

        func validate() throws {
            guard (1...100_000).contains(top) else { throw ValidationError("--top must be in 1...100000, got \(top)") }
            guard maxSe > 0, maxSe <= 1 else { throw ValidationError("--max-se must be in (0, 1], got \(maxSe)") }
        }

        func run() throws {
            let store = try database.openStore()
            let estimates = try LiveScores.estimates(
                store: store, databasePath: database.database, sweepName: database.sweep, trialIndex: trial)
            database.makeLogger("mnemo.scores").info("\(estimates.source)")
            print(try ScoresReport.text(analysis: estimates.analysis, store: store, top: top, maximumSE: maxSe))
        }
    }
}
