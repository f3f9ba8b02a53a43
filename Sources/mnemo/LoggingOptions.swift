import ArgumentParser
import Foundation
import Logging

/// Flags shared by every long-running command.
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

    func makeLogger(_ label: String) -> Logger {
        let json = logFormat == .json
        var logger = Logger(label: label) { json ? JSONLogHandler(label: $0) as any LogHandler : StreamLogHandler.standardError(label: $0) }
        logger.logLevel = quiet ? .warning : (verbose ? .debug : .info)
        return logger
    }
}
