import Foundation
import MnemoAnalysis
import MnemoCore
import MnemoStore

/// What an export says about itself in `summary.json`, beside the trial's figures: the trial's grid
/// settings, the sweep's seed and full spec, what trained the runs, and where and when the export was
/// made. The provenance (``database``, ``exportedAt``, ``sweepCreatedAt``, like the sweep id) is in
/// `summary.json` only: the CSV and `.npz` files depend on nothing but the spec and the results.
public struct TrialDescription: Encodable, Sendable {
    /// The trial's grid settings, key → value (an empty object for a sweep without a grid).
    public var params: [String: JSONValue]
    /// The sweep's seed.
    public var seed: UInt64
    /// The sweep's validated spec as stored in the database.
    public var spec: SweepSpec
    /// What trained the runs.
    public var trainer: TrainerDescription
    /// The absolute path of the database read.
    public var database: String
    /// When the export was written (ISO 8601, UTC).
    public var exportedAt: String
    /// When the sweep was first registered (ISO 8601, UTC).
    public var sweepCreatedAt: String

    enum CodingKeys: String, CodingKey {
        case params, seed, spec, trainer, database
        case exportedAt = "exported_at"
        case sweepCreatedAt = "sweep_created_at"
    }

    /// Describes the trial `analysis` scored, reading what it lacks (the sweep's registration time,
    /// the engine version its tasks carry) from `store`.
    ///
    /// - Throws: `StoreError`, or a decoding error when the sweep's stored task spec does not decode.
    public init(analysis: TrialAnalysis, store: Store, exportedAt: Date) throws {
        let spec = analysis.sweep
        let parameters = spec.parameters(ofTrialNamed: analysis.trial.name) ?? []
        params = Dictionary(parameters.map { ($0.key, JSONValue(parsing: $0.json)) }, uniquingKeysWith: { first, _ in first })
        seed = spec.seed
        self.spec = spec
        let engineVersion = try store.firstTask(sweepID: analysis.trial.sweepID).map {
            try JSONDecoder().decode(TaskSpec.self, from: Data($0.specJSON.utf8)).engineVersion
        }
        trainer = TrainerDescription(trainer: spec.trainer, engineVersion: engineVersion ?? "unknown")
        database = URL(fileURLWithPath: store.path).standardizedFileURL.path
        let format = ISO8601DateFormatter()
        self.exportedAt = format.string(from: exportedAt)
        sweepCreatedAt = try store.sweep(id: analysis.trial.sweepID).map { format.string(from: $0.createdAt) } ?? ""
    }
}
