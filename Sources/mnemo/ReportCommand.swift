import ArgumentParser
import Foundation
import Logging
import MnemoReport

extension Mnemo {
    struct ReportCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Write one sweep's report: a self-contained HTML page with its charts, CSV files and contact sheets.",
            discussion: """
                Writes OUT/report.html (inline SVG charts and images, no script, nothing loaded from the network): \
                the sweep's configuration, progress and cost; the trial table; per trial the memorization density, \
                the most memorized examples and strongest influence pairs (pictures for image datasets), and the \
                membership audit of run 0 (ROC curves on log–log axes); accuracy per influence-entropy bucket with \
                paired differences against the reference trial; privacy against utility; convergence. Beside it, \
                the numbers of every chart (trial-N-*.csv, all-*.csv) and contact sheets (trial-N-top-*.png). \
                A running sweep gives a snapshot, marked partial. A section that needs outputs the sweep did not \
                store names the outputs: entry that would fill it.
                Example:
                  mnemo report sweeps/quickstart.sqlite --out report && chromium report/report.html
                """)

        @OptionGroup var database: DatabaseOptions

        @Option(help: "The folder to write into (created if needed).")
        var out: String

        func validate() throws {
            try OutputFolder.validate(out)
        }

        func run() throws {
            let logger = database.makeLogger("mnemo.report")
            let files = try SweepReport.write(
                store: database.openStore(), sweepName: database.sweep, to: URL(fileURLWithPath: out),
                progress: { logger.info("\($0)") })
            for file in files { print(file.path) }
        }
    }
}
