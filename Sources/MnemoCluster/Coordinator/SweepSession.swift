import Foundation
import Logging
import MnemoCore
import MnemoLearn
import MnemoStore

/// A sweep ready to be served: its validated spec, its prepared dataset summarised, its tasks
/// registered in the database (finished ones kept, so the same command resumes).
public struct SweepSession: Sendable {
    public let plan: SweepPlan
    public let store: Store
    /// Tasks newly added to the database by this session.
    public let newTasks: Int
    /// Why training on this data may diverge (features far outside [0, 1]), or nil.
    public let dataWarning: String?
    /// This process's hold on the database: one coordinator per database.
    public let lock: DatabaseLock

    /// Takes the database's lock, opens (or creates) it, and registers `sweepFile` in it.
    ///
    /// - Parameters:
    ///   - databasePath: nil puts the database beside the sweep file, named after it.
    ///   - newSweep: register the file as a new sweep even if the database holds one of its name.
    /// - Throws: what ``SweepRegistration/prepare(sweepFile:logger:)`` and
    ///   ``SweepRegistration/register(in:newSweep:)`` throw;
    ///   `DatabaseLockError` naming the holder when another coordinator serves the database.
    public static func open(
        sweepFile: String, databasePath: String?, newSweep: Bool = false, logger: Logger
    ) throws -> SweepSession {
        let path = databasePath ?? defaultDatabasePath(for: sweepFile)
        // A broken file or data is reported before the database is created.
        let registration = try SweepRegistration.prepare(sweepFile: sweepFile, logger: logger)
        let lock = try DatabaseLock.acquire(databasePath: path, endpoint: AdminEndpoint.forDatabase(path))
        let store = try Store(path: path)
        let (plan, newTasks) = try registration.register(in: store, newSweep: newSweep)
        return SweepSession(
            plan: plan, store: store, newTasks: newTasks, dataWarning: registration.dataWarning, lock: lock)
    }

    /// Takes the lock of an existing database to serve what it holds (no sweep file).
    ///
    /// - Throws: `DatabaseLockError`, ``StoreError``.
    public static func openDatabase(_ path: String) throws -> (store: Store, lock: DatabaseLock) {
        let lock = try DatabaseLock.acquire(databasePath: path, endpoint: AdminEndpoint.forDatabase(path))
        return (try Store(path: path), lock)
    }

    /// `sweeps/quickstart.yaml` → `sweeps/quickstart.sqlite`.
    public static func defaultDatabasePath(for sweepFile: String) -> String {
        let url = URL(fileURLWithPath: sweepFile)
        return url.deletingPathExtension().appendingPathExtension("sqlite").path
    }
}
