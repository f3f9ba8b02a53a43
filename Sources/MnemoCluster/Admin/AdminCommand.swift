import Foundation
import Logging
import MnemoStore
import MnemoWire

/// The admin commands of the CLI (`submit`, `cancel`, `drain`, `retry`, `status`): sent to the
/// coordinator that serves the database when one runs; `submit`, `cancel` and `retry` otherwise take
/// the database's lock and write directly, as that coordinator would have.
public enum AdminCommand {
    /// Carries out `request` on the database at `databasePath`.
    ///
    /// - Returns: what was done, in words.
    /// - Throws: ``AdminError`` when it cannot be done (with the reason), `DatabaseLockError`,
    ///   ``StoreError``, or what registering a submitted sweep throws.
    public static func perform(_ request: AdminRequest, databasePath: String, logger: Logger) throws -> String {
        // Registering a large sweep (preparing its data, writing its tasks) can take minutes.
        let timeout: Duration = request.command == .submit ? .seconds(600) : .seconds(15)
        if let reply = try AdminClient.send(request, databasePath: databasePath, timeout: timeout) {
            guard reply.ok else { throw AdminError(message: reply.message) }
            return reply.message
        }
        switch request.command {
        case .drain:
            throw AdminError(message: "no coordinator serves \(databasePath): there is no worker to drain")
        case .status, .scores:
            throw AdminError(message: "no coordinator serves \(databasePath)")
        case .submit, .cancel, .retry:
            let lock = try DatabaseLock.acquire(databasePath: databasePath)
            defer { withExtendedLifetime(lock) {} }
            // Only `submit` may create the database; the others need a Mnemo database to change.
            let isNew = (try? FileManager.default.attributesOfItem(atPath: databasePath)[.size] as? Int) ?? 0 == 0
            let store = request.command == .submit && isNew
                ? try Store(path: databasePath) : try Store.openExisting(path: databasePath)
            return try offline(request, store: store, logger: logger)
        }
    }

    private static func offline(_ request: AdminRequest, store: Store, logger: Logger) throws -> String {
        let now = Date()
        switch request.command {
        case .submit:
            guard let file = request.sweepFile else { throw AdminError(message: "submit needs a sweep file") }
            let registration = try SweepRegistration.prepare(sweepFile: file, logger: logger)
            let (plan, newTasks) = try registration.register(in: store, newSweep: request.newSweep ?? false)
            if let priority = request.priority {
                try store.setSweepPriority(id: plan.sweepID, priority: priority)
            }
            return "registered sweep \(plan.sweepID) (\(newTasks) new tasks); no coordinator runs: "
                + "`mnemo coordinator --db \(store.path)` serves it"
        case .cancel:
            let sweep = try resolve(request.sweep, in: store)
            let ids = try store.tasks(sweepID: sweep)
                .filter { (request.trial == nil || $0.trialIndex == request.trial) && ($0.state == .pending || $0.state == .leased) }
                .map(\.id)
            try store.apply([.cancel(taskIDs: ids, at: now)])
            return "cancelled \(ids.count) tasks of sweep \(sweep)"
        case .retry:
            let sweeps: [String] = try request.sweep.map { [try resolve($0, in: store)] } ?? store.sweeps().map(\.id)
            var ids: [String] = []
            for sweep in sweeps {
                for task in try store.tasks(sweepID: sweep) where task.state == .quarantined || task.state == .cancelled {
                    let trialMatches = request.trial == nil || task.trialIndex == request.trial
                    let reasonMatches = request.reason.map { (task.lastError ?? "").contains($0) } ?? true
                    if trialMatches && reasonMatches { ids.append(task.id) }
                }
            }
            try store.apply([.retry(taskIDs: ids, at: now)])
            return "\(ids.count) tasks pending again with a fresh budget"
        case .drain, .status, .scores:
            throw AdminError(message: "\(request.command.rawValue) needs a running coordinator")
        }
    }

    /// A sweep's id from its id or name (the newest of that name).
    ///
    /// - Throws: ``AdminError`` naming the sweeps the database holds.
    public static func resolve(_ name: String?, in store: Store) throws -> String {
        guard let name, let record = try store.sweep(idOrName: name) else {
            let held = try store.sweeps().map(\.id).joined(separator: ", ")
            throw AdminError(message: "no sweep '\(name ?? "")' in \(store.path) (it holds: \(held))")
        }
        return record.id
    }
}
