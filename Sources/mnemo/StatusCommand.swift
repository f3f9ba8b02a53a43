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

        func run() throws {
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
