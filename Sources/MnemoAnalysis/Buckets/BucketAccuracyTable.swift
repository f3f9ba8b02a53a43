import Foundation
import MnemoCore
import MnemoStore

/// The SAM paper's main figure as numbers: the test accuracy of every trial on each influence-entropy
/// bucket, with buckets computed once from the reference trial, as the mean over the trial's runs with
/// a 95% Student-t interval. Both bucket schemes, never mixed.
public struct BucketAccuracyTable: Codable, Sendable {
    /// One trial's accuracies, per bucket 1…5.
    public struct Row: Codable, Sendable, Equatable {
        public var index: Int
        public var name: String
        public var runs: Int
        public var accuracy: [MeanInterval]
    }

    /// One scheme's buckets and every trial's accuracy on them.
    public struct Scheme: Codable, Sendable {
        /// Test examples per bucket 1…5.
        public var examples: [Int]
        public var trials: [Row]
    }

    public var sweep: String
    public var referenceTrial: Int
    public var schemes: [ReferenceBuckets.Scheme: Scheme]

    enum CodingKeys: String, CodingKey {
        case sweep
        case referenceTrial = "reference_trial"
        case schemes = "buckets"
    }

    /// Every trial with runs of the sweep `sweepName` (the newest when nil), bucketed by trial
    /// `reference` (nil: the sweep's `analysis.reference_trial`, default 0).
    ///
    /// - Throws: ``AnalysisError`` when the sweep or the reference trial is missing or has no run.
    public static func load(store: Store, sweepName: String?, reference: Int? = nil) throws -> BucketAccuracyTable {
        let record = try TrialAnalysis.sweepRecord(store: store, name: sweepName)
        let spec = try JSONDecoder().decode(SweepSpec.self, from: Data(record.specYAML.utf8))
        let referenceIndex = reference ?? spec.analysis?.referenceTrial ?? 0
        let buckets = try ReferenceBuckets.load(store: store, sweepID: record.id, trialIndex: referenceIndex)
        let members = Dictionary(uniqueKeysWithValues: ReferenceBuckets.Scheme.allCases.map { ($0, buckets.members($0)) })
        var rows: [ReferenceBuckets.Scheme: [Row]] = [:]
        for trial in try store.trials(sweepID: record.id) {
            let outcomes = try TrialOutcomes.load(store: store, sweepName: record.id, trialIndex: trial.trialIndex)
            guard !outcomes.test.isEmpty else { continue }
            for scheme in ReferenceBuckets.Scheme.allCases {
                let accuracy = members[scheme]!.map { bucket in
                    MeanInterval(of: outcomes.subsets.map { outcomes.testAccuracy(subset: $0, over: bucket) })
                }
                rows[scheme, default: []].append(
                    Row(index: trial.trialIndex, name: trial.name, runs: outcomes.test.count, accuracy: accuracy))
            }
        }
        return BucketAccuracyTable(
            sweep: record.id, referenceTrial: referenceIndex,
            schemes: Dictionary(uniqueKeysWithValues: ReferenceBuckets.Scheme.allCases.map { scheme in
                (scheme, Scheme(examples: members[scheme]!.map(\.count), trials: rows[scheme] ?? []))
            }))
    }
}
