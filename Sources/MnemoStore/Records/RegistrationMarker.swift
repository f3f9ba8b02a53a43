import Foundation

/// What a registration in progress records before it stores a sweep's tasks, and removes once every
/// task is stored: a sweep that has it was cut short (a killed coordinator, a full disk) and holds part
/// of its tasks; the next coordinator serving the database finishes it before serving the sweep.
public struct RegistrationMarker: Codable, Sendable, Equatable {
    /// The artifact that holds it.
    public static let artifactName = "registering"

    /// The version of the engine the tasks' specs name (a registration may have stored no task yet).
    public var engineVersion: String
    /// How many tasks the registration stores in all.
    public var tasks: Int
    /// How many runs each trial has once they are all stored.
    public var runsPerTrial: Int

    public init(engineVersion: String, tasks: Int, runsPerTrial: Int) {
        self.engineVersion = engineVersion
        self.tasks = tasks
        self.runsPerTrial = runsPerTrial
    }
}
