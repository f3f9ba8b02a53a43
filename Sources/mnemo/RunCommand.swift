import ArgumentParser
import Foundation
import MnemoCluster
import MnemoLinalg
import MnemoReport
import ServiceLifecycle

extension Mnemo {
    struct RunCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run a sweep on this machine: the coordinator plus local worker processes.",
            discussion: """
                Rerunning the same command on the same database resumes the sweep; finished tasks are never
                retrained. Raising `subsets` or adding grid values grows it; a changed dataset is refused
                unless --new-sweep. Exit status: 0 when every task is done, 3 when some were quarantined,
                1 when no worker may take them, 130 when interrupted. Example:
                  mnemo run sweeps/quickstart.yaml --workers 2
                """)

        @Argument(help: "The sweep file (YAML).")
        var sweepFile: String

        @Option(help: "The SQLite database (default: beside the sweep file, named after it).")
        var db: String?

        @Option(help: "Local worker processes (default: one per core).")
        var workers: Int = ProcessInfo.processInfo.activeProcessorCount

        @Option(help: "BLAS threads per worker.")
        var threads: Int = 1

        @Flag(help: "Do not show the progress line.")
        var noProgress = false

        @Flag(help: "Register the sweep file as a new sweep even if the database holds one of its name.")
        var newSweep = false

        @OptionGroup var aggregates: AggregateMemoryOption

        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        }

        func run() async throws {
            let logger = logging.makeLogger("mnemo.run")
            let session = try SweepSession.open(
                sweepFile: sweepFile, databasePath: db, newSweep: newSweep, logger: logger)
            let (workers, threads, showProgress, aggregateMemory) = (workers, threads, !noProgress, aggregates.bytes)
            let service = BlockingLoopService { stop in
                try LocalRun.execute(
                    session: session, workers: workers, threads: threads, showProgress: showProgress,
                    aggregateMemory: aggregateMemory, stop: stop, logger: logger)
            }
            try await ServiceGroup.runUntilStopped(service, logger: logger)
            let exit = try service.result()
            try Headline.print(store: session.store, sweepName: session.plan.sweepID)
            let conclusion = try SweepConclusion(
                exit: exit, store: session.store, sweepIDs: [session.plan.sweepID], dataWarning: session.dataWarning)
            conclusion.lines.forEach { print($0) }
            if conclusion.exitCode != 0 { throw ExitCode(conclusion.exitCode) }
        }
    }
}
