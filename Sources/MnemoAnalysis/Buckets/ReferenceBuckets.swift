import MnemoCore
import MnemoStore

/// The influence-entropy bucket of every test example, computed once from a reference trial
/// (`analysis.reference_trial`) so that every trial is scored on the same examples per bucket (the SAM
/// paper's Figure 5): both the paper's raw-influence scheme and the thresholded quantile scheme.
public struct ReferenceBuckets: Sendable {
    /// The two bucket schemes, never mixed.
    public enum Scheme: String, Codable, CodingKeyRepresentable, Sendable, CaseIterable {
        /// The paper's buckets on raw influence (``RawInfluenceEntropy``).
        case raw
        /// Quartiles of the entropy of significant influence, no significant influencer on its own
        /// (``ThresholdedInfluenceEntropy``).
        case thresholded

        /// What the scheme's buckets mean, for a table's title.
        public var legend: String {
            switch self {
            case .raw:
                "raw-influence entropy buckets (the SAM paper's): 1 = lowest entropy (most memorization-dependent) … 4 = "
                    + "near-uniform influence, 5 = no influence"
            case .thresholded:
                "thresholded-entropy buckets (|infl| > \(TrialScores.significanceZ)·SE): 1–4 = entropy quartiles, "
                    + "5 = no significant influencer"
            }
        }
    }

    /// The trial the buckets were computed from.
    public let referenceTrial: Int
    /// Per test example, its bucket 1…5 under each scheme.
    public let raw: [Int]
    public let thresholded: [Int]
    /// The number of buckets of either scheme.
    public static let bucketCount = 5

    /// The buckets of trial `trialIndex` of sweep `sweepID`, the reference trial.
    ///
    /// - Throws: ``AnalysisError`` naming the reference when the sweep has no such trial, or it has no run.
    public static func load(store: Store, sweepID: String, trialIndex: Int) throws -> ReferenceBuckets {
        let trials = try store.trials(sweepID: sweepID).map(\.trialIndex)
        guard trials.contains(trialIndex) else {
            throw AnalysisError(
                "reference trial \(trialIndex) (analysis.reference_trial or --reference): sweep \(sweepID) has trials "
                    + "\(trials.map(String.init).joined(separator: ", "))")
        }
        return ReferenceBuckets(TrialScores(try TrialAnalysis.load(store: store, sweepName: sweepID, trialIndex: trialIndex)))
    }

    /// The buckets of `scores`, the reference trial's.
    public init(_ scores: TrialScores) {
        referenceTrial = scores.analysis.trial.trialIndex
        raw = scores.rawBuckets
        thresholded = scores.thresholdedBuckets
    }

    /// The bucket of every test example under `scheme`.
    public func buckets(_ scheme: Scheme) -> [Int] {
        scheme == .raw ? raw : thresholded
    }

    /// The test examples of each bucket 1…5 under `scheme`, ascending.
    public func members(_ scheme: Scheme) -> [[Int]] {
        let assigned = buckets(scheme)
        return (1...Self.bucketCount).map { bucket in assigned.indices.filter { assigned[$0] == bucket } }
    }
}
