import Foundation
import GRDB

/// One submitted sweep: a row of the `sweep` table.
///
/// The id is chosen by the caller (a hash of the sweep), so registering the same sweep twice is a
/// no-op.
public struct SweepRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "sweep"

    /// Caller-chosen identity, typically a hash of the canonical sweep.
    public var id: String
    /// Human-readable name from the sweep file.
    public var name: String
    /// The sweep file as submitted.
    public var specYAML: String
    /// The sweep seed. SQLite integers are signed, so it is stored by bit pattern.
    public var seed: UInt64 {
        get { UInt64(bitPattern: seedBits) }
        set { seedBits = Int64(bitPattern: newValue) }
    }
    /// When the sweep was first registered.
    public var createdAt: Date
    /// SHA-256 of the prepared dataset: part of the sweep's identity, so runs of two datasets never mix.
    public var datasetSHA256: String
    /// Higher first: a coordinator leases the tasks of the highest-priority unfinished sweep first.
    public var priority: Int

    private var seedBits: Int64

    enum CodingKeys: String, CodingKey {
        case id, name, specYAML, createdAt, datasetSHA256, priority
        case seedBits = "seed"
    }

    /// Creates a sweep record.
    public init(
        id: String, name: String, specYAML: String, seed: UInt64, createdAt: Date, datasetSHA256: String = "",
        priority: Int = 0
    ) {
        self.id = id
        self.datasetSHA256 = datasetSHA256
        self.priority = priority
        self.name = name
        self.specYAML = specYAML
        self.seedBits = Int64(bitPattern: seed)
        self.createdAt = createdAt
    }
}
