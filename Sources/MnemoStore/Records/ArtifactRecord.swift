import Foundation
import GRDB

/// Data derived once when a sweep starts (label vectors, planted-flip indices, …): a row of the
/// `artifact` table, keyed by (sweepID, name).
public struct ArtifactRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "artifact"

    /// The sweep the artifact belongs to.
    public var sweepID: String
    /// The artifact's name within the sweep.
    public var name: String
    /// The artifact's bytes, in a format its producer defines.
    public var blob: Data

    /// Creates an artifact record.
    public init(sweepID: String, name: String, blob: Data) {
        self.sweepID = sweepID
        self.name = name
        self.blob = blob
    }
}
