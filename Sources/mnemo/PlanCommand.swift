import ArgumentParser
import Foundation
import Logging
import MnemoCluster
import MnemoCore
import MnemoData
import MnemoLearn
import MnemoReport

extension Mnemo {
    struct PlanCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "Say what a sweep will cost before running it: tasks, disk, memory per worker, CPU-hours.",
            discussion: """
                Checks the file as `validate` does, then prints its trials and runs, the disk its results \
                will take, and the memory a worker needs per task (built-in engine). With --calibrate it \
                also trains trial 0 once on the whole training set (as `mnemo train` does) and estimates the \
                CPU-hours of every run from it (subset runs train on ratio × n examples). A sweep whose \
                Fashion-MNIST or CIFAR files are absent here (a recipe for the cluster where the data lives) \
                is planned from the format's sizes, with a warning; `validate` still refuses it. Example:
                  mnemo plan sweeps/grid.yaml --calibrate
                """)

        @Argument(help: "The sweep file (YAML).")
        var sweepFile: String

        @Flag(help: "Train trial 0 once to estimate the CPU-hours (built-in engine only).")
        var calibrate = false

        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let (spec, registration) = try Self.prepareOrSize(sweepFile, logging: logging)
            let sizes = registration.map { ($0.dataset.trainLabels.count, $0.dataset.testLabels.count, $0.dataset.classCount) }
                ?? FormatSizes.of(spec.dataset)!
            let (n, t, classes) = sizes
            let runs = spec.estimator.runs(trainCount: n)
            let tasks = runs * spec.trials.count
            print("sweep \(spec.name): \(spec.trials.count) trial\(spec.trials.count == 1 ? "" : "s") × \(runs) runs = \(tasks) tasks")
            print("data: \(n) train / \(t) test examples of \(classes) classes")
            print(
                Table.render(
                    header: ["", "trial", "runs"],
                    rows: spec.trials.map { ["", "\($0.index) \($0.name)", "\(runs)"] }))
            // A result: both bit vectors, each output's float32 arrays, and about a kilobyte of rows.
            let perResult = (n + 7) / 8 + (t + 7) / 8 + 1024
                + (spec.outputs ?? []).reduce(0) { bytes, output in
                    bytes + 4 * (output.shape(count: n, classes: classes).reduce(1, *)
                        + output.shape(count: t, classes: classes).reduce(1, *))
                }
            print("disk: about \(Self.bytes(perResult * tasks)) for the results (\(Self.bytes(perResult)) per run)")
            guard spec.trainer?.command == nil else {
                print("memory and time per task: set by the sweep's trainer (`mnemo run` measures them)")
                return
            }
            guard registration != nil else {
                print("memory and CPU-hours: need the dataset files (absent here)")
                return
            }
            let data = try PreparedDataset.make(spec: spec.dataset, seed: spec.seed, cache: nil)
            let memory = try spec.trials.map { trial in
                MemoryBound(config: try TrainingConfig(model: trial.model, training: trial.training), train: data.train, test: data.test)
                    .totalBytes
            }.max() ?? 0
            print("memory: at most \(Self.bytes(memory)) per worker slot (the largest trial's bound)")
            guard calibrate else {
                print("CPU-hours: add --calibrate to train trial 0 once and estimate them")
                return
            }
            let logger = logging.makeLogger("mnemo.plan")
            let run = try CalibrationRun.execute(spec: spec, sweepFile: sweepFile, trialIndex: 0) { line in
                logger.info("\(line)")
            }
            let perRun = run.seconds * spec.estimator.ratio
            let total = perRun * Double(tasks)
            print(
                String(
                    format: "CPU-hours: about %.2f (%.0f s; trial 0 took %.2f s for %d epochs on all %d examples, so a run on "
                        + "%.0f%% of them about %.2f s on one core)",
                    total / 3600, total, run.seconds, run.epochs, n, spec.estimator.ratio * 100, perRun))
        }

        /// The sweep prepared as `validate` does; or, when only its dataset files are missing and their
        /// format has fixed sizes (Fashion-MNIST, CIFAR), the parsed spec alone, with a warning: a recipe
        /// for a cluster where the data lives can be planned anywhere. Anything else exits 65 as `validate`.
        static func prepareOrSize(_ sweepFile: String, logging: LoggingOptions) throws -> (SweepSpec, SweepRegistration?) {
            do {
                let registration = try SweepRegistration.prepare(sweepFile: sweepFile, logger: logging.makeLogger("mnemo.plan"))
                return (registration.spec, registration)
            } catch {
                if let missing = error as? DatasetError, missing.reason.hasPrefix("no such file"),
                    let spec = try? SweepParser.parse(contentsOf: sweepFile), FormatSizes.of(spec.dataset) != nil
                {
                    logging.makeLogger("mnemo.plan").warning(
                        "\(missing.file): no such file; sizes taken from the \(spec.dataset.name) format (`mnemo validate` and `run` need the files)")
                    return (spec, nil)
                }
                throw ValidateCommand.refusal(error)
            }
        }

        static func bytes(_ count: Int) -> String {
            count >= 1 << 30 ? String(format: "%.1f GiB", Double(count) / Double(1 << 30))
                : count >= 1 << 20 ? String(format: "%.1f MiB", Double(count) / Double(1 << 20))
                : String(format: "%.1f KiB", Double(count) / 1024)
        }
    }
}
