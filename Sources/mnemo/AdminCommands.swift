import ArgumentParser
import Foundation
import Logging
import MnemoCluster
import MnemoStore
import MnemoWire

/// The database argument of the admin commands.
struct AdminDatabase: ParsableArguments {
    @Argument(help: "The sweep database (a running coordinator serving it is reached through the socket beside it).")
    var database: String

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard FileManager.default.fileExists(atPath: database) else {
            throw ValidationError("no Mnemo database at \(database)")
        }
    }
}

/// An admin's CURVE keys, for a coordinator's TCP admin endpoint (`--admin-bind`).
struct AdminKeyOptions: ParsableArguments {
    @Option(help: "With a tcp:// coordinator: your admin secret key file (its public key must be in the coordinator's --allow-admin).")
    var key: String?

    @Option(help: "With a tcp:// coordinator: the coordinator's public key file.")
    var serverKey: String?

    /// Checks the keys against the target: required for a `tcp://` endpoint, refused otherwise.
    func validate(target: String) throws {
        if target.hasPrefix("tcp://") {
            guard key != nil, serverKey != nil else {
                throw ValidationError(
                    "a coordinator's TCP admin endpoint (\(target)) takes CURVE: give --key (your admin secret key) and "
                        + "--server-key (the coordinator's public key)")
            }
        } else if key != nil || serverKey != nil {
            throw ValidationError("--key and --server-key are for a coordinator's tcp:// admin endpoint, not a database file")
        }
    }

    /// Carries out `request` on `target`: a coordinator's TCP admin endpoint, or a database (its running
    /// coordinator, else the file itself).
    func perform(_ request: AdminRequest, target: String, logger: Logger) throws -> String {
        guard target.hasPrefix("tcp://") else {
            return try AdminCommand.perform(request, databasePath: target, logger: logger)
        }
        return try remoteReply(request, endpoint: target).message
    }

    /// The reply of the coordinator's TCP admin endpoint `endpoint` to `request`.
    ///
    /// - Throws: ``AdminError`` when it refuses the key, does not answer, or cannot do what is asked.
    func remoteReply(_ request: AdminRequest, endpoint: String) throws -> AdminReply {
        let credentials = AdminClient.Credentials(
            keyPair: try CurveKeyFiles.loadSecret(key ?? ""), serverKey: try CurveKeyFiles.loadPublic(serverKey ?? ""))
        let timeout: Duration = request.command == .submit ? .seconds(600) : .seconds(15)
        let reply = try AdminClient.send(request, endpoint: endpoint, credentials: credentials, timeout: timeout)
        guard reply.ok else { throw AdminError(message: reply.message) }
        return reply
    }
}

/// The target of `cancel`, `retry` and `drain`: a database, or a coordinator's TCP admin endpoint.
struct AdminTarget: ParsableArguments {
    @Argument(help: "The sweep database (its running coordinator is reached through the socket beside it), or a coordinator's TCP admin endpoint tcp://HOST:PORT (with --key and --server-key).")
    var database: String

    @OptionGroup var keys: AdminKeyOptions

    func validate() throws {
        try keys.validate(target: database)
        guard database.hasPrefix("tcp://") || FileManager.default.fileExists(atPath: database) else {
            throw ValidationError("no Mnemo database at \(database)")
        }
    }

    func perform(_ request: AdminRequest, logger: Logger) throws -> String {
        try keys.perform(request, target: database, logger: logger)
    }
}

extension Mnemo {
    struct SubmitCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "submit",
            abstract: "Add a sweep to a database, served at once by its running coordinator.",
            discussion: """
                Without a running coordinator the sweep is registered for the next one. Example:
                  mnemo submit sweeps/grid.yaml --db lab.sqlite --priority 5
                """)

        @Argument(help: "The sweep file (YAML).")
        var sweepFile: String

        @Option(help: "The database (default: beside the sweep file, named after it), or a coordinator's TCP admin endpoint tcp://HOST:PORT (with --key and --server-key; the sweep file path is then read on the coordinator's host).")
        var db: String?

        @OptionGroup var keys: AdminKeyOptions

        @Option(help: "Higher first: the coordinator leases the highest-priority sweep's tasks first (default: 0 for a new sweep, unchanged for a stored one).")
        var priority: Int?

        @Flag(help: "Register the sweep file as a new sweep even if the database holds one of its name.")
        var newSweep = false

        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            if let priority, !(-1_000_000...1_000_000).contains(priority) {
                throw ValidationError("--priority must be in -1000000...1000000, got \(priority)")
            }
            try keys.validate(target: db ?? "")
            if db?.hasPrefix("tcp://") == true, !sweepFile.hasPrefix("/") {
                throw ValidationError(
                    "over TCP the coordinator reads the sweep file on its own host: give its absolute path there, not \(sweepFile)")
            }
        }

        func run() throws {
            let target = db ?? SweepSession.defaultDatabasePath(for: sweepFile)
            // A remote coordinator reads the (absolute) path on its own host: it is sent as given.
            let path = target.hasPrefix("tcp://") ? sweepFile : URL(fileURLWithPath: sweepFile).standardizedFileURL.path
            let request = AdminRequest(command: .submit, sweepFile: path, priority: priority, newSweep: newSweep)
            print(try keys.perform(request, target: target, logger: logging.makeLogger("mnemo.submit")))
        }
    }

    struct CancelCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel",
            abstract: "Cancel a sweep's (or one trial's) unfinished tasks; running ones are stopped.",
            discussion: "Example:\n  mnemo cancel lab.sqlite grid --trial 3")

        @OptionGroup var database: AdminTarget

        @Argument(help: "The sweep (id or name).")
        var sweep: String

        @Option(help: "Only this trial.")
        var trial: Int?

        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let request = AdminRequest(command: .cancel, sweep: sweep, trial: trial)
            print(try database.perform(request, logger: logging.makeLogger("mnemo.cancel")))
        }
    }

    struct RetryCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retry",
            abstract: "Make quarantined and cancelled tasks pending again with a fresh budget.",
            discussion: "Example (after rescaling the data):\n  mnemo retry lab.sqlite --sweep grid --reason diverged")

        @OptionGroup var database: AdminTarget

        @Option(help: "Only this sweep (id or name).")
        var sweep: String?

        @Option(help: "Only this trial.")
        var trial: Int?

        @Option(help: "Only tasks whose last error contains this text.")
        var reason: String?

        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let request = AdminRequest(command: .retry, sweep: sweep, trial: trial, reason: reason)
            print(try database.perform(request, logger: logging.makeLogger("mnemo.retry")))
        }
    }

    struct DrainCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "drain",
            abstract: "Tell a worker to finish what it runs, take nothing more, and exit 0.",
            discussion: "Example:\n  mnemo drain lab.sqlite node7-4121")

        @OptionGroup var database: AdminTarget

        @Argument(help: "The worker id (see `mnemo status`).")
        var worker: String

        @OptionGroup var logging: LoggingOptions

        func run() throws {
            let request = AdminRequest(command: .drain, worker: worker)
            print(try database.perform(request, logger: logging.makeLogger("mnemo.drain")))
        }
    }

    struct SweepsCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sweeps", abstract: "List the sweeps of a database.",
            discussion: "Example:\n  mnemo sweeps lab.sqlite")

        @OptionGroup var database: AdminDatabase

        func run() throws {
            _ = database.logging.makeLogger("mnemo")
            let store = try Store.openReadOnly(path: database.database)
            let document = try StatusDocument.build(store: store, coordinator: .init(running: false), workers: [])
            print("id\tname\tpriority\tdone/total\tquarantined\tcancelled\tdataset sha256")
            for sweep in document.sweeps {
                print(
                    "\(sweep.id)\t\(sweep.name)\t\(sweep.priority)\t\(sweep.tasks.done)/\(sweep.tasks.total)\t\(sweep.tasks.quarantined)\t\(sweep.tasks.cancelled)\t\(sweep.datasetSHA256.prefix(16))")
            }
        }
    }

    struct DeleteCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete", abstract: "Delete a sweep and its runs (refused while a coordinator serves the database).",
            discussion: "Example:\n  mnemo delete lab.sqlite old-grid")

        @OptionGroup var database: AdminDatabase

        @Argument(help: "The sweep (id or name).")
        var sweep: String

        func run() throws {
            _ = database.logging.makeLogger("mnemo")
            if let holder = DatabaseLock.holder(databasePath: database.database) {
                throw AdminError(
                    message: "a coordinator serves \(database.database) (host \(holder.host), pid \(holder.pid)); stop it before deleting a sweep")
            }
            let lock = try DatabaseLock.acquire(databasePath: database.database)
            let store = try Store.openExisting(path: database.database)
            let id = try AdminCommand.resolve(sweep, in: store)
            let results = try store.deleteSweep(id: id)
            withExtendedLifetime(lock) {}
            print("deleted sweep \(id) and its \(results) results")
        }
    }

    struct BackupCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup", abstract: "Copy a database consistently, even while a coordinator writes it.",
            discussion: "Example:\n  mnemo backup lab.sqlite /backups/lab-$(date +%F).sqlite")

        @OptionGroup var database: AdminDatabase

        @Argument(help: "The new file to write.")
        var out: String

        func validate() throws {
            guard !FileManager.default.fileExists(atPath: out) else { throw ValidationError("\(out) exists; choose a new file") }
        }

        func run() throws {
            _ = database.logging.makeLogger("mnemo")
            try Store.openReadOnly(path: database.database).backup(to: out)
            print(out)
        }
    }
}
