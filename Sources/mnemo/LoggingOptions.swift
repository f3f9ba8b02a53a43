import ArgumentParser
import Foundation
import Logging

/// Flags shared by every long-running command.
struct LoggingOptions: ParsableArguments {
    @Flag(name: .long, help: "Only warnings and errors.")
    var quiet = false

    @Flag(name: .long, help: "Debug output.")
    var verbose = false

    func makeLogger(_ label: String) -> Logger {
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = quiet ? .warning : (verbose ? .debug : .info)
        return logger
    }
}
