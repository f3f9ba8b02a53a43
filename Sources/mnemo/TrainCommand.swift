import Logging
import ArgumentParser
import Foundation
import MnemoCluster
import MnemoCore
import MnemoLinalg

extension Mnemo {
    struct TrainCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train",
            abstract: "Train one model of a sweep trial on the whole training set and report its cost.",
            discussion: """
                The quick way to calibrate a sweep (epochs, accuracy, examples/s, memory) before launching
                thousands of subset runs. Prints one line per epoch to standard error while it trains.
                Example:
                  mnemo train sweeps/quickstart.yaml --trial 0
                """)

        @Argument(help: "The sweep file (YAML).")
        var sweepFile: String

        @Option(help: "Which trial of the grid (0-based, in file order).")
        var trial: Int = 0

        @Option(help: "BLAS threads.")
        var threads: Int = 1

        func validate() throws {
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
            guard trial >= 0 else { throw ValidationError("--trial must be non-negative") }
        }

        @OptionGroup var logging: LoggingOptions

        func run() throws {
            BLAS.setThreads(threads)
            let logger = logging.makeLogger("mnemo.train")
            let spec = try SweepParser.parse(contentsOf: sweepFile)
            let run = try CalibrationRun.execute(spec: spec, sweepFile: sweepFile, trialIndex: trial) { line in
                logger.info("\(line)")
            }
            print(run.text)
        }
    }
}
