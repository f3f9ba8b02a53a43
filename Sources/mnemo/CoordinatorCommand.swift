import ArgumentParser
import Foundation
import Logging
import MnemoCore
import MnemoCluster
import MnemoReport
import MnemoWire

extension Mnemo {
    struct CoordinatorCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "coordinator",
            abstract: "Serve a sweep to workers that connect over the network.",
            discussion: """
                Workers join and leave at any time with `mnemo worker --connect tcp://HOST:PORT`. Example:
                  mnemo coordinator sweeps/quickstart.yaml --bind 'tcp://*:5555' --db quickstart.sqlite
                """)

        @Argument(help: "The sweep file (YAML).")
        var sweepFile: String

        @Option(help: "Endpoint to bind, e.g. tcp://*:5555 (repeatable).")
        var bind: [String] = ["tcp://*:5555"]

        @Option(help: "The SQLite database (default: beside the sweep file, named after it).")
        var db: String?

        @Flag(help: "Do not show the progress line.")
        var noProgress = false

        @Flag(help: "Register the sweep file as a new sweep even if the database holds one of its name.")
        var newSweep = false

        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let logger = logging.makeLogger("mnemo.coordinator")
            StopSignal.install()
            let session = try SweepSession.open(
                sweepFile: sweepFile, databasePath: db, newSweep: newSweep, logger: logger)
            let coordinator = try Coordinator(
                store: session.store, context: try ZMQContext(), options: CoordinatorOptions(endpoints: bind),
                logger: logger)
            try coordinator.serve(session.plan)
            logger.info("serving sweep '\(session.plan.spec.name)' on \(coordinator.boundEndpoint)")
            let totals = coordinator.totals()
            logger.info("sweep \(session.plan.sweepID): \(totals.done) of \(totals.total) tasks already done")
            let progress = noProgress ? nil : ProgressReporter(alreadyDone: totals.done)
            let exit = try coordinator.run(progress: progress)
            progress?.finish()
            try Headline.print(store: session.store, sweepName: session.plan.sweepID)
            let conclusion = try SweepConclusion(exit: exit, session: session)
            conclusion.lines.forEach { print($0) }
            if conclusion.exitCode != 0 { throw ExitCode(conclusion.exitCode) }
        }
    }
}
