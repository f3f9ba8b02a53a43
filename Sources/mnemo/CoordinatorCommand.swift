import ArgumentParser
import Foundation
import Logging
import MnemoCluster
import MnemoData
import MnemoMetrics
import MnemoReport
import MnemoStore
import MnemoWire
import ServiceLifecycle

extension Mnemo {
    struct CoordinatorCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "coordinator",
            abstract: "Serve sweeps to workers that connect over the network.",
            discussion: """
                Serves the sweep file (if given) and every unfinished sweep of the database, by priority.
                Workers join and leave at any time with `mnemo worker --connect tcp://HOST:PORT`; admin
                commands (`submit`, `cancel`, `drain`, `retry`, `status`) reach it through a socket beside
                the database, and from other machines through --admin-bind (CURVE, admin keys only). It binds loopback unless told otherwise; binding an address other machines
                can reach needs CURVE (--key and --allow; `mnemo keys generate` makes the keys) or an
                explicit --insecure. Exit status: 0 when every task is done, 3 when some were quarantined,
                130 when interrupted; with --serve it keeps running for sweeps submitted later. Example:
                  mnemo coordinator sweeps/quickstart.yaml --bind 'tcp://*:5555' --key keys/coordinator.key --allow keys/workers
                """)

        @Argument(help: "The sweep file (YAML); optional with --db.")
        var sweepFile: String?

        @Option(help: "Endpoint to bind, e.g. tcp://*:5555 (repeatable).")
        var bind: [Endpoint] = [Endpoint(argument: "tcp://127.0.0.1:5555")!]

        @Option(help: "The coordinator's CURVE secret key file (mode 0600), from `mnemo keys generate`.")
        var key: String?

        @Option(help: "Workers' CURVE public keys: a .pub file, a file of keys one per line, or a folder of .pub files.")
        var allow: String?

        @Flag(help: "Bind an address other machines can reach without CURVE: anyone who reaches it can take tasks and send results.")
        var insecure = false

        @Option(help: "Also take admin commands (status, submit, cancel, drain, retry) on this TCP endpoint, e.g. tcp://*:5556: CURVE, admin keys (--allow-admin) only.")
        var adminBind: Endpoint?

        @Option(help: "Admins' CURVE public keys, for --admin-bind: a .pub file, a file of keys one per line, or a folder of .pub files (read again on SIGHUP).")
        var allowAdmin: String?

        @Option(help: "Serve Prometheus metrics on http://HOST:PORT/metrics (off by default), e.g. 127.0.0.1:9464.")
        var metrics: String?

        @Option(help: "The SQLite database (default: beside the sweep file, named after it).")
        var db: String?

        @Flag(help: "Do not show the progress line.")
        var noProgress = false

        @Flag(help: "Register the sweep file as a new sweep even if the database holds one of its name.")
        var newSweep = false

        @Flag(help: "Keep serving after the sweeps finish, for sweeps submitted later.")
        var serve = false

        @Option(help: "Folder for the datasets shipped to workers that lack them, in its data/ (default: $XDG_CACHE_HOME/mnemo or ~/.cache/mnemo).")
        var cacheDir: String?

        @Option(help: "At most this much of datasets in --cache-dir, least recently used removed first, e.g. 20G (default: no bound).")
        var cacheMax: ByteSize?

        @OptionGroup var aggregates: AggregateMemoryOption

        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            try ByteSize.validateCacheMax(cacheMax)
            guard sweepFile != nil || db != nil else {
                throw ValidationError("give a sweep file, or --db to serve the unfinished sweeps of a database")
            }
            if let metrics, Self.hostAndPort(metrics) == nil {
                throw ValidationError("--metrics takes HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:9464; got '\(metrics)'")
            }
            guard (key == nil) == (allow == nil) else {
                throw ValidationError("--key and --allow go together: the coordinator's secret key and the workers' public keys")
            }
            if let adminBind {
                guard adminBind.description.hasPrefix("tcp://"), key != nil, allowAdmin != nil else {
                    throw ValidationError(
                        "--admin-bind takes a tcp:// endpoint and needs CURVE: --key (the coordinator's secret key), --allow "
                            + "(workers' public keys) and --allow-admin (admins' public keys); local admin commands need none of "
                            + "it (they use the socket beside the database)")
                }
            } else if allowAdmin != nil {
                throw ValidationError("--allow-admin lists the keys of --admin-bind: give both, or neither")
            }
            if key == nil, !insecure, let open = bind.first(where: { !$0.isLocal }) {
                throw ValidationError(
                    "binding \(open) without CURVE would let anyone who reaches it take tasks and send results: give --key "
                        + "(the coordinator's secret key) and --allow (the workers' public keys; `mnemo keys generate` makes "
                        + "both), or --insecure to accept that")
            }
        }

        func run() async throws {
            let logger = logging.makeLogger("mnemo.coordinator")
            // Keys first: a bad key file fails before the database is opened.
            let curve = try key.map { keyPath in
                CurveServerSettings(
                    keyPair: try CurveKeyFiles.loadSecret(keyPath), allowedWorkers: try CurveKeyFiles.loadAllowlist(allow ?? ""),
                    allowlistPath: allow, allowedAdmins: try allowAdmin.map(CurveKeyFiles.loadAllowlist) ?? [],
                    adminAllowlistPath: allowAdmin)
            }
            let session: SweepSession?
            do {
                session = try sweepFile.map { try SweepSession.open(sweepFile: $0, databasePath: db, newSweep: newSweep, logger: logger) }
            } catch let missing as DatasetError where missing.reason.hasPrefix("no such file") {
                // The files may have gone after the sweep was registered: its prepared copy is in the cache.
                let database = db ?? sweepFile.map(SweepSession.defaultDatabasePath(for:)) ?? ""
                guard FileManager.default.fileExists(atPath: database) else { throw missing }
                throw MissingDataError(
                    description: "\(missing)\nThe sweep's data must be readable to register the file again; a sweep already registered in "
                        + "\(database) is served without it by `mnemo coordinator --db \(database)` (workers that lack the data get the "
                        + "copy this coordinator cached, if it prepared one while the files were here)")
            }
            let opened = try session == nil ? SweepSession.openDatabase(db ?? "") : nil
            let store = session?.store ?? opened!.store
            var configured = CoordinatorOptions(endpoints: bind.map(\.description))
            configured.adminEndpoint = AdminEndpoint.forDatabase(store.path)
            configured.serveForever = serve
            configured.keepLeasesOnStop = true
            configured.curve = curve
            configured.remoteAdminEndpoint = adminBind?.description
            if let cacheDir {
                configured.datasetFolder = URL(fileURLWithPath: cacheDir).standardizedFileURL.appendingPathComponent("data")
            }
            configured.datasetCacheMaxBytes = cacheMax?.bytes
            configured.aggregateMemoryBytes = aggregates.bytes
            let options = configured
            let showProgress = !noProgress
            // SIGHUP reads the allowlist again.
            let hangup = HangupSignal()
            // The coordinator's sockets are made and used on the loop's own thread.
            let service = BlockingLoopService { stop -> (CoordinatorExit, [String]) in
                let coordinator = try Coordinator(store: store, context: try ZMQContext(), options: options, logger: logger)
                coordinator.hangup = hangup
                if let session { try coordinator.serve(session.plan) }
                try coordinator.serveUnfinishedSweeps()
                let sweeps = coordinator.givenSweeps
                logger.info("serving sweep '\(sweeps.joined(separator: "', '"))' on \(coordinator.boundEndpoint)")
                if let remote = options.remoteAdminEndpoint {
                    logger.info("admin commands from admin keys on \(remote)")
                }
                for sweep in sweeps {
                    let progress = try store.progress(sweepID: sweep)
                    logger.info(
                        "sweep \(sweep): \(progress.reduce(0) { $0 + $1.done }) of \(progress.reduce(0) { $0 + $1.total }) tasks already done")
                }
                let progress = showProgress ? ProgressReporter(alreadyDone: coordinator.totals().done) : nil
                defer { progress?.finish() }
                let exit = try coordinator.run(progress: progress, stop: stop)
                // Sweeps submitted or retried while serving count too.
                return (exit, coordinator.givenSweeps)
            }
            let endpoint = metrics.flatMap(Self.hostAndPort).map { MetricsEndpoint.bootstrap(host: $0.host, port: $0.port, logger: logger) }
            let others: [any Service] = [hangup] + (endpoint.map { [$0] } ?? [])
            try await ServiceGroup.runUntilStopped(service, alongside: others, logger: logger)
            let (exit, sweeps) = try service.result()
            for sweep in sweeps {
                try Headline.print(store: store, sweepName: sweep)
            }
            let conclusion = try SweepConclusion(
                exit: exit, store: store, sweepIDs: sweeps, dataWarning: session?.dataWarning)
            conclusion.lines.forEach { print($0) }
            withExtendedLifetime(opened?.lock) {}
            if conclusion.exitCode != 0 { throw ExitCode(conclusion.exitCode) }
        }

        /// `HOST:PORT` (an IPv6 host in brackets), or nil.
        static func hostAndPort(_ text: String) -> (host: String, port: Int)? {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port)
            else { return nil }
            let host = text[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            return host.isEmpty ? nil : (host, port)
        }
    }
}

/// The sweep file's data is gone, though its database may still serve the sweep.
private struct MissingDataError: Error, CustomStringConvertible {
    let description: String
}
