import ArgumentParser
import MnemoStore

/// The database argument shared by the read-only commands.
struct DatabaseOptions: ParsableArguments {
    @Argument(help: "The sweep's SQLite database.")
    var database: String

    @Option(help: "The sweep to read, when the database holds several.")
    var sweep: String?

    func openStore() throws -> Store {
        try Store.openReadOnly(path: database)
    }
}
