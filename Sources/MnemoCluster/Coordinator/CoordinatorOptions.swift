import Foundation
import MnemoData
import MnemoWire

/// Timing and policy of a coordinator; the defaults follow docs/architecture.md (heartbeats every ~1 s, a worker
/// silent for ~5 s is dead).
public struct CoordinatorOptions: Sendable {
    /// Endpoints to bind, e.g. `tcp://*:5555` or `ipc:///tmp/mnemo.sock`.
    public var endpoints: [String]
    /// How often the coordinator checks liveness and leases, and expects worker heartbeats.
    public var heartbeat: Duration = .seconds(1)
    /// A worker not heard from for this long is dead and its leases return to pending.
    public var workerTimeout: Duration = .seconds(5)
    /// A lease not extended by a heartbeat for this long expires.
    public var leaseDuration: Duration = .seconds(30)
    /// Transient application failures before a task is quarantined (deterministic ones quarantine at
    /// once).
    public var maxFailures: Int = 3
    /// Distinct workers that may die running a task before it is quarantined as one that kills them.
    public var crashBudget: Int = 3
    /// How long open tasks may wait with no eligible worker (all connected ones excluded) before
    /// ``Coordinator/run(progress:tick:)`` gives up, when ``giveUpWithoutEligibleWorkers`` is set, or
    /// logs the exclusions (every minute) otherwise.
    public var noEligibleWorkerTimeout: Duration = .seconds(30)
    /// Where to listen for admin commands (see ``AdminEndpoint``), or nil for none.
    public var adminEndpoint: String?
    /// A TCP endpoint for admin commands from other machines (`--admin-bind`): CURVE with the keys of
    /// ``CurveServerSettings/allowedAdmins`` only; nil for none.
    public var remoteAdminEndpoint: String?
    /// On SIGTERM/SIGINT, leave the workers running with their leases (a cluster coordinator: the
    /// next one restores them) rather than telling them to leave and requeueing (local mode, whose
    /// workers stop with it).
    public var keepLeasesOnStop = false
    /// Keep serving after the sweeps finish (`mnemo coordinator --serve`), for sweeps submitted later.
    public var serveForever = false
    /// Local mode gives up when no eligible worker remains; a cluster coordinator keeps waiting for
    /// other workers to join.
    public var giveUpWithoutEligibleWorkers = false
    /// CURVE on the worker socket: the coordinator's key pair and the public keys of the workers it
    /// lets in (checked by a ZAP handler); nil for none (local mode, loopback or `--insecure`).
    public var curve: CurveServerSettings?
    /// Where the datasets shipped to workers that lack them are kept (`--cache-dir`'s `data/`), and at
    /// most how many bytes of them (`--cache-max`).
    public var datasetFolder = DatasetFileCache.defaultRoot.appendingPathComponent("data")
    public var datasetCacheMaxBytes: Int?
    /// At most how many bytes the live aggregates (one per trial served, for `mnemo scores`) hold
    /// together (`--aggregate-memory`); trials beyond it are aggregated from the database on demand.
    public var aggregateMemoryBytes = CoordinatorOptions.defaultAggregateMemoryBytes
    /// 2 GiB.
    public static let defaultAggregateMemoryBytes = 2 << 30

    public init(endpoints: [String]) {
        self.endpoints = endpoints
    }
}

/// What a coordinator needs to serve over CURVE.
public struct CurveServerSettings: Sendable {
    /// Its own key pair (`--key`).
    public var keyPair: CurveKeyPair
    /// Workers' public keys (`--allow`), Z85.
    public var allowedWorkers: Set<String>
    /// Where the allowlist was read from: read again on SIGHUP.
    public var allowlistPath: String?
    /// Admins' public keys (`--allow-admin`), Z85: the only keys the TCP admin socket lets in. A worker
    /// key is not an admin key unless it is listed here too.
    public var allowedAdmins: Set<String>
    /// Where the admin allowlist was read from: read again on SIGHUP.
    public var adminAllowlistPath: String?

    public init(
        keyPair: CurveKeyPair, allowedWorkers: Set<String>, allowlistPath: String? = nil, allowedAdmins: Set<String> = [],
        adminAllowlistPath: String? = nil
    ) {
        self.keyPair = keyPair
        self.allowedWorkers = allowedWorkers
        self.allowlistPath = allowlistPath
        self.allowedAdmins = allowedAdmins
        self.adminAllowlistPath = adminAllowlistPath
    }
}
