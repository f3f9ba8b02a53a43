import ArgumentParser
import Foundation
import MnemoAnalysis
import MnemoReport

extension Mnemo {
    struct CompareCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compare",
            abstract: "Compare a sweep's trials: each metric's mean ± SE over runs, fit runs, mislabeled AUC, s/run.",
            discussion: """
                Sorted best first by --sort (default test_accuracy): accuracies and AUCs higher first, \
                losses, seconds_per_run and other metrics lower first.
                Example:
                  mnemo compare sweeps/optimizers.sqlite --sort loss --json
                """)

        @OptionGroup var database: DatabaseOptions

        @Option(help: "The metric to sort by: test_accuracy, train_subset_accuracy, loss, seconds_per_run, or any metric the runs report.")
        var sort: String = "test_accuracy"

        @Flag(help: "Print only JSON on standard output.")
        var json = false

        @Flag(help: "Print CSV on standard output.")
        var csv = false

        func validate() throws {
            if json && csv { throw ValidationError("--json and --csv are exclusive: pick one") }
            guard !sort.isEmpty, sort.count <= 64 else { throw ValidationError("--sort takes a metric name of 1 to 64 characters") }
        }

        func run() throws {
            let comparison = try SweepComparison.load(store: database.openStore(), sweepName: database.sweep, sortBy: sort)
            if json || csv, let banner = comparison.partialBanner {
                FileHandle.standardError.write(Data("compare: \(banner)\n".utf8))
            }
            if json {
                print(try ComparisonReport.json(comparison), terminator: "")
            } else if csv {
                print(ComparisonReport.csv(comparison), terminator: "")
            } else {
                print(ComparisonReport.text(comparison))
            }
        }
    }
}
