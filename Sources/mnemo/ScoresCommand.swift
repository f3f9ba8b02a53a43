import ArgumentParser
import Foundation
import MnemoReport

extension Mnemo {
    struct ScoresCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scores",
            abstract: "Show the most memorized examples, the top influence pairs and the entropy buckets.",
            discussion: "Example:\n  mnemo scores sweeps/quickstart.sqlite --top 20")

        @OptionGroup var database: DatabaseOptions

        @Option(help: "Which trial (index, see `mnemo status`).")
        var trial: Int = 0

        @Option(help: "How many rows of each table.")
        var top: Int = 10

        func validate() throws {
            guard (1...100_000).contains(top) else { throw ValidationError("--top must be in 1...100000, got \(top)") }
        }

        func run() throws {
            print(try ScoresReport.text(store: database.openStore(), sweepName: database.sweep, trialIndex: trial, top: top))
        }
    }
}
