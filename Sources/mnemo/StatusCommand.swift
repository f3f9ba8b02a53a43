import ArgumentParser
import Foundation
import MnemoCluster
import MnemoReport
import MnemoStore
import MnemoWire

extension Mnemo {
    struct StatusCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show the progress of a sweep per trial, and the live workers when a coordinator runs.",
            discussion: """
                Asks the running coordinator for its workers; otherwise reads the database read-only (safe
                while anything runs). Example:
                  mnemo status sweeps/quickstart.sqlite --json
                """)

        @OptionGroup var database: DatabaseOptions

        @Flag(help: "Print one JSON object: the coordinator, every sweep's task counts and trials, the workers.")
        var json = false

        @Flag(help: "List every failed or quarantined task with its reason.")
        var failures = false

        @OptionGroup var keys: AdminKeyOptions

        func validate() throws {
            try keys.validate(target: database.database)
            if failures, database.database.hasPrefix("tcp://") {
                throw ValidationError("--failures reads the database file; over TCP the coordinator sends its status only")
            }
        }

        func run() throws {
            if database.database.hasPrefix("tcp://") { return try runRemote() }
            let reply = try AdminClient.send(AdminRequest(command: .status), databasePath: database.database)
            let store = try database.openStore()
            if json {
                if let live = reply?.statusDocument {
                    print(live)
                } else {
                    print(try StatusDocument.build(store: store, coordinator: .init(running: false), workers: []).json())
                }
                return
            }
            print(try StatusReport.text(store: store, sweepName: database.sweep))
            if failures {
                print("")
                print(try StatusReport.failures(store: store, sweepName: database.sweep))
            }
            guard let live = reply?.statusDocument,
                let document = try? JSONDecoder().decode(StatusDocument.self, from: Data(live.utf8))
            else {
                print("\nno coordinator serves this database")
                return
            }
            printLive(document)
        }

        /// Asks a coordinator's TCP admin endpoint; prints what it says (no database here to read).
        private func runRemote() throws {
            let reply = try keys.remoteReply(AdminRequest(command: .status), endpoint: database.database)
            guard let live = reply.statusDocument else { throw AdminError(message: "the coordinator sent no status") }
            if json { return print(live) }
            var document = try JSONDecoder().decode(StatusDocument.self, from: Data(live.utf8))
            if let wanted = database.sweep {
                document.sweeps = document.sweeps.filter { $0.id == wanted || $0.name == wanted }
            }
            print(
                Table.render(
                    header: ["sweep", "name", "done", "pending", "leased", "quarantined", "cancelled", "total"],
                    rows: document.sweeps.map { sweep in
                        let tasks = sweep.tasks
                        return [sweep.id, sweep.name] + [tasks.done, tasks.pending, tasks.leased, tasks.quarantined, tasks.cancelled, tasks.total].map(String.init)
                    }))
            printLive(document)
        }

        /// The coordinator, its exclusions and its workers.
        private func printLive(_ document: StatusDocument) {
            print("\ncoordinator: host \(document.coordinator.host ?? "?"), pid \(document.coordinator.pid ?? 0)")
            for sweep in document.sweeps {
                for exclusion in sweep.exclusions ?? [] {
                    print("excluded from sweep \(sweep.id): \(exclusion)")
                }
            }
            print(
                Table.render(
                    header: ["worker", "host", "pid", "state", "task", "tasks/s"],
                    rows: document.workers.map {
                        [$0.id, $0.host, "\($0.pid)", $0.state, $0.task.map { String($0.prefix(12)) } ?? "-", String(format: "%.2f", $0.rate)]
                    }))
        }
    }
}
