import GRDB

/// One point of a sweep's hyperparameter grid: a row of the `trial` table, keyed by
/// (sweepID, trialIndex).
public struct TrialRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "trial"

    /// The sweep this trial belongs to.
    public var sweepID: String
    /// Position of the trial in the sweep's grid, from 0.
    public var trialIndex: Int
    /// Human-readable name, for example `optimizer=sam,rho=0.05`.
    public var name: String
    /// The trial's hyperparameters as a JSON object.
    public var paramsJSON: String

    /// Creates a trial record.
    public init(sweepID: String, trialIndex: Int, name: String, paramsJSON: String) {
        self.sweepID = sweepID
        self.trialIndex = trialIndex
        self.name = name
        self.paramsJSON = paramsJSON
    }
}
