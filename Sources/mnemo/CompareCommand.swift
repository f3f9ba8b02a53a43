import ArgumentParser
import Foundation
import Logging
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
                With --paired A B: the differences B − A over the runs the two trials share (same subsets, same \
                training seeds), with 95% paired intervals: test accuracy, accuracy per influence-entropy bucket \
                (both schemes, buckets from the reference trial) and per-example memorization changes; --out DIR \
                writes paired_train.csv and paired_test.csv. A and B are trial indices, or SWEEP:TRIAL for a \
                trial of another sweep with the same seed, masks and data.
                Examples:
                  mnemo compare sweeps/optimizers.sqlite --sort loss --json
                  mnemo compare sweeps/optimizers.sqlite --paired 0 1 --out out/sam-vs-sgd
                """)

        @OptionGroup var database: DatabaseOptions

        @Option(help: "The metric to sort by: test_accuracy, train_subset_accuracy, loss, seconds_per_run, or any metric the runs report.")
        var sort: String = "test_accuracy"

        @Option(
            parsing: .upToNextOption,
            help: ArgumentHelp("Compare two trials run by run: B − A.", valueName: "A B"))
        var paired: [String] = []

        @Flag(help: "Every trial's test accuracy per influence-entropy bucket, with 95% intervals (the SAM paper's main figure).")
        var buckets = false

        @Option(
            parsing: .unconditional,
            help: "With --paired or --buckets: the trial whose influence-entropy buckets are used (default: analysis.reference_trial, else 0).")
        var reference: Int?

        @Option(help: "With --paired: write the per-example differences (paired_train.csv, paired_test.csv) into this folder.")
        var out: String?

        @Flag(help: "Print only JSON on standard output.")
        var json = false

        @Flag(help: "Print CSV on standard output.")
        var csv = false

        func validate() throws {
            if json && csv { throw ValidationError("--json and --csv are exclusive: pick one") }
            try OutputFolder.validate(out)
            if !paired.isEmpty {
                guard paired.count == 2, paired.allSatisfy({ TrialSelector(parsing: $0) != nil }) else {
                    throw ValidationError(
                        "--paired takes two trials, each an index or SWEEP:INDEX (e.g. --paired 0 1), got: \(paired.joined(separator: " "))")
                }
                if csv { throw ValidationError("--paired prints text or --json; --out DIR writes its CSV files") }
                if buckets { throw ValidationError("--paired and --buckets are separate views: pick one") }
            } else if out != nil {
                throw ValidationError("--out belongs to --paired A B")
            } else if reference != nil, !buckets {
                throw ValidationError("--reference belongs to --paired A B or --buckets")
            }
            if buckets, csv { throw ValidationError("--buckets prints text or --json") }
            if let reference, reference < 0 { throw ValidationError("--reference must be a trial index (0 or more), got \(reference)") }
            guard !sort.isEmpty, sort.count <= 64 else { throw ValidationError("--sort takes a metric name of 1 to 64 characters") }
        }

        func run() throws {
            if paired.count == 2 { return try runPaired() }
            if buckets {
                let table = try BucketAccuracyTable.load(store: database.openStore(), sweepName: database.sweep, reference: reference)
                print(json ? try BucketAccuracyReport.json(table) : BucketAccuracyReport.text(table), terminator: json ? "" : "\n")
                return
            }
            let comparison = try SweepComparison.load(store: database.openStore(), sweepName: database.sweep, sortBy: sort)
            if json || csv, let banner = comparison.partialBanner {
                database.makeLogger("mnemo.compare").warning("\(banner)")
            }
            if json {
                print(try ComparisonReport.json(comparison), terminator: "")
            } else if csv {
                print(ComparisonReport.csv(comparison), terminator: "")
            } else {
                print(ComparisonReport.text(comparison))
            }
        }

        private func runPaired() throws {
            let comparison = try PairedComparison.load(
                store: database.openStore(), sweepName: database.sweep, a: TrialSelector(parsing: paired[0])!,
                b: TrialSelector(parsing: paired[1])!, reference: reference)
            if let out {
                for file in try PairedReport.writeExamples(comparison, to: URL(fileURLWithPath: out)) {
                    database.makeLogger("mnemo.compare").info("wrote \(file.path)")
                }
            }
            print(json ? try PairedReport.json(comparison) : PairedReport.text(comparison), terminator: json ? "" : "\n")
        }
    }
}
