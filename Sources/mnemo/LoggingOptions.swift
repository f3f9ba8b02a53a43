import ArgumentParser
import Foundation
import Logging
import Synchronization

/// Flags shared by every command: how much it logs on standard error, and in which format.
struct LoggingOptions: ParsableArguments {
    @Flag(name: .long, help: "Only warnings and errors.")
    var quiet = false

    @Flag(name: .long, help: "Debug output.")
    var verbose = false

    @Option(name: .long, help: "Log lines as text, or as one JSON object each (json).")
    var logFormat: LogFormat = .text

    /// How log lines are written.
    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    /// Whether the process's logging system is set up (swift-log allows it once per process).
    private static let bootstrapped = Mutex(false)

    /// A logger in the chosen format and level. The first call also sets up the process's logging
    /// system the same way, so the libraries' own loggers (a reader's notes) follow `--log-format`.
    func makeLogger(_ label: String) -> Logger {
        let json = logFormat == .json
        let level: Logger.Level = quiet ? .warning : (verbose ? .debug : .info)
        let factory: @Sendable (String) -> any LogHandler = { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        Self.bootstrapped.withLock { done in
            guard !done else { return }
            LoggingSystem.bootstrap(factory)
            done = true
        }
        var logger = Logger(label: label, factory: factory)
        logger.logLevel = level
        return logger
    }
}
