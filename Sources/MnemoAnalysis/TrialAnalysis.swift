import Foundation
import Logging
import MnemoCore
import MnemoStore

/// The Feldman–Zhang estimates of one trial, rebuilt from the results stored in the database by a
/// streaming GEMM pass (results are the source of truth; these are derived).
public struct TrialAnalysis: Sendable {
    public let sweep: SweepSpec
    public let trial: TrialRecord
    public let dataset: DatasetSummary
    public let accumulator: InfluenceAccumulator
    public let memorization: MemorizationEstimates
    /// Mean of the accuracies the workers reported on their own subsets.
    public let meanReportedSubsetAccuracy: Double
    /// Mean test accuracy over runs.
    public let meanTestAccuracy: Double
    /// Mean epochs trained per run.
    public let meanEpochs: Double
    /// The accuracy each run should have reached on its own subset (`until_train_accuracy`), if any.
    public let fitTarget: Double?
    /// Runs that ended below ``fitTarget`` (0 without a target).
    public let runsBelowFitTarget: Int
    /// The lowest accuracy a run reported on its own subset.
    public let lowestSubsetAccuracy: Double
    /// Runs whose results were aggregated.
    public var runs: Int { accumulator.runs }

    /// Runs per block when rebuilding from the database: enough that each pair's popcount runs over
    /// 16 words, few enough that drawing one block's masks overlaps adding the previous one; at the
    /// CIFAR-100 study's shape (50,000 + 10,000 examples) about 30 MB of packed bits, masks and bits
    /// regrouped by example held at a time (measured at that shape: blocks of 256 runs ran at 69–73% of
    /// `sgemm`'s rate, 1,024 at 81–83%).
    public static let blockSize = 1024

    /// Loads the sweep, its dataset summary and every stored result of `trialIndex`.
    ///
    /// - Throws: ``AnalysisError`` when the sweep, trial or dataset summary is missing, or a stored
    ///   result does not fit the dataset.
    public static func load(store: Store, sweepName: String? = nil, trialIndex: Int) throws -> TrialAnalysis {
        try load(StoredTrial.load(store: store, sweepName: sweepName, trialIndex: trialIndex), store: store)
    }

    /// The estimates of `stored` from every result `store` holds of it.
    ///
    /// - Throws: ``AnalysisError`` when a stored result does not fit the dataset or there is none yet.
    public static func load(_ stored: StoredTrial, store: Store) throws -> TrialAnalysis {
        var aggregate = try TrialAggregate(sweep: stored.sweep, trialName: stored.trial.name, dataset: stored.dataset)
        try aggregate.load(store: store, sweepID: stored.record.id, trialIndex: stored.trial.trialIndex)
        return try TrialAnalysis(stored, aggregate)
    }

    /// The estimates of a stored trial from an aggregate of its runs (one built from the database, or a
    /// running coordinator's live one).
    ///
    /// - Throws: ``AnalysisError`` when the aggregate holds no run yet.
    public init(_ stored: StoredTrial, _ aggregate: TrialAggregate) throws {
        let totals = aggregate.totals
        guard totals.runs > 0 else { throw stored.noRunsYet }
        sweep = stored.sweep
        trial = stored.trial
        dataset = stored.dataset
        accumulator = aggregate.accumulator
        memorization = aggregate.accumulator.memorization()
        meanReportedSubsetAccuracy = totals.mean(totals.subsetAccuracySum)
        meanTestAccuracy = totals.mean(totals.testAccuracySum)
        meanEpochs = totals.mean(totals.epochsSum)
        fitTarget = aggregate.fitTarget
        runsBelowFitTarget = totals.belowFitTarget
        lowestSubsetAccuracy = totals.lowestSubsetAccuracy ?? .infinity
    }

    /// The sweep a reader means: the one whose id is `name`, else the newest of that name; with no
    /// name the newest sweep, saying on standard error which one when the database holds several.
    ///
    /// - Throws: ``AnalysisError`` naming the sweeps the database holds.
    public static func sweepRecord(store: Store, name: String?) throws -> SweepRecord {
        if let name {
            guard let record = try store.sweep(idOrName: name) else {
                throw AnalysisError(
                    "database \(store.path) holds no sweep with id or name '\(name)' (it holds: "
                        + "\(try store.sweeps().map(\.id).joined(separator: ", ")))")
            }
            return record
        }
        let sweeps = try store.sweeps()
        guard let newest = sweeps.last else { throw AnalysisError("database \(store.path) holds no sweep yet") }
        if sweeps.count > 1 {
            Logger(label: "mnemo.analysis").info(
                "reading sweep \(newest.id), the newest of \(sweeps.count) in \(store.path); --sweep ID|NAME picks another")
        }
        return newest
    }

    // MARK: - Planted label noise

    /// How well memorization singles out the planted label flips, or nil without planted flips.
    public var mislabeledDetection: MislabeledDetection? {
        guard !dataset.flippedIndices.isEmpty else { return nil }
        let flipped = Set(dataset.flippedIndices)
        var flippedScores: [Double] = []
        var cleanScores: [Double] = []
        for (i, value) in memorization.values.enumerated() where !value.isNaN {
            if flipped.contains(i) { flippedScores.append(value) } else { cleanScores.append(value) }
        }
        let k = dataset.flippedIndices.count
        let ranked = memorization.values.indices.filter { !memorization.values[$0].isNaN }
            .sorted { memorization.values[$0] > memorization.values[$1] }
        let topK = ranked.prefix(k).filter(flipped.contains).count
        return MislabeledDetection(
            flippedCount: k, auc: ROC.auc(positives: flippedScores, negatives: cleanScores),
            meanMemFlipped: Descriptive.mean(flippedScores), meanMemClean: Descriptive.mean(cleanScores),
            topK: k, flipsInTopK: topK)
    }
}

/// How well memorization scores detect planted label flips.
public struct MislabeledDetection: Sendable, Codable, Equatable {
    public let flippedCount: Int
    /// ROC AUC of mem, flipped (positive) against clean examples.
    public let auc: Double
    public let meanMemFlipped: Double
    public let meanMemClean: Double
    /// k = number of flips; `flipsInTopK / topK` is the precision of the k highest mem scores.
    public let topK: Int
    public let flipsInTopK: Int

    public var topKFraction: Double { topK > 0 ? Double(flipsInTopK) / Double(topK) : .nan }
}

/// Scores cannot be computed from this database; says what is missing.
public struct AnalysisError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
