import ArgumentParser
import Logging
import MnemoStore

/// The database argument shared by the read-only commands, with their logging flags.
struct DatabaseOptions: ParsableArguments {
    @Argument(help: "The sweep's SQLite database.")
    var database: String

    @Option(help: "The sweep to read, when the database holds several.")
    var sweep: String?

    @OptionGroup var logging: LoggingOptions

    /// The command's logger (its notes on standard error, in `--log-format`).
    func makeLogger(_ label: String) -> Logger {
        logging.makeLogger(label)
    }

    /// Opens the database read-only, after setting up logging (the libraries' notes on which sweep was
    /// read go through it, in `--log-format`).
    func openStore() throws -> Store {
        _ = logging.makeLogger("mnemo")
        return try Store.openReadOnly(path: database)
    }
}
