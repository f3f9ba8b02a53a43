import ArgumentParser
import Foundation
import MnemoCluster
import MnemoCore

extension Mnemo {
    struct ValidateCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check a sweep file, its data included, without running or registering anything.",
            discussion: """
                Parses the file, prepares its dataset and checks every trial against it, as `run` and \
                `submit` would. Exit status: 0 when valid (a summary on standard output), 65 otherwise (the \
                error on standard error, with file:line:column, the field, what was expected and, for a \
                misspelt key, a suggestion). Example:
                  mnemo validate sweeps/grid.yaml
                """)

        @Argument(help: "The sweep file (YAML).")
        var sweepFile: String

        @OptionGroup var logging: LoggingOptions

        /// The sweep file prepared as `run` would (data included), or exit status 65 with the error on
        /// standard error: what `validate` and `plan` start from.
        static func prepare(_ sweepFile: String, logging: LoggingOptions, label: String) throws -> SweepRegistration {
            do {
                return try SweepRegistration.prepare(sweepFile: sweepFile, logger: logging.makeLogger(label))
            } catch {
                throw refusal(error)
            }
        }

        /// Writes why a sweep file is refused to standard error; the exit status to throw (65).
        static func refusal(_ error: any Error) -> ExitCode {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            return ExitCode(65)
        }

        func run() throws {
            let registration = try Self.prepare(sweepFile, logging: logging, label: "mnemo.validate")
            let spec = registration.spec
            let dataset = registration.dataset
            let runs = spec.estimator.runs(trainCount: dataset.trainLabels.count)
            print("\(sweepFile): valid")
            print(
                "sweep \(spec.name): \(spec.trials.count) trial\(spec.trials.count == 1 ? "" : "s") × \(runs) runs = "
                    + "\(spec.trials.count * runs) tasks on \(dataset.trainLabels.count) train / \(dataset.testLabels.count) "
                    + "test examples of \(dataset.classCount) classes (dataset sha256 \(dataset.contentHash.prefix(12))…)")
            if let warning = registration.dataWarning { print("warning: the dataset's \(warning)") }
        }
    }
}
