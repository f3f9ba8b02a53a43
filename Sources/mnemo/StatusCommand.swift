import ArgumentParser
import Foundation
import MnemoReport

extension Mnemo {
    struct StatusCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show the progress of a sweep, per trial, read-only (safe while it runs).",
            discussion: "Example:\n  mnemo status sweeps/quickstart.sqlite")

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            print(try StatusReport.text(store: database.openStore(), sweepName: database.sweep))
        }
    }
}
