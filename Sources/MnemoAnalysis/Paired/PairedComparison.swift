import Foundation
import MnemoCore
import MnemoStore

/// Differences between two trials, B − A, over the runs they share: trials of a sweep train on the same
/// masks with the same training seeds, so run k of A and run k of B differ only in the trial's settings
/// and their difference is measured with paired intervals (far narrower than comparing two means).
///
/// Reported: test accuracy, accuracy per influence-entropy bucket under both schemes (buckets from the
/// reference trial), and per example: the change in memorization of each training example and in the
/// accuracy of each test example. Intervals are 95% Student-t intervals over the shared runs.
public struct PairedComparison: Codable, Sendable {
    /// One side of the comparison.
    public struct Side: Codable, Sendable, Equatable {
        public var sweep: String
        public var trialIndex: Int
        public var name: String
        public var runs: Int

        enum CodingKeys: String, CodingKey {
            case sweep, name, runs
            case trialIndex = "trial_index"
        }
    }

    /// Accuracy on one bucket's test examples: each side's per-run mean and the paired difference.
    public struct BucketDifference: Codable, Sendable, Equatable {
        public var bucket: Int
        public var examples: Int
        public var a: MeanInterval
        public var b: MeanInterval
        public var difference: MeanInterval
    }

    /// Summary of the per-example memorization differences.
    public struct MemorizationChange: Codable, Sendable, Equatable {
        /// Training examples with a difference (left out and trained on in the shared runs).
        public var examples: Int
        /// NaN (null in JSON) when no example has a difference.
        public var meanDifference: Double
        /// Examples whose difference exceeds twice its standard error, each way.
        public var higherInB: Int
        public var higherInA: Int

        enum CodingKeys: String, CodingKey {
            case examples
            case meanDifference = "mean_difference"
            case higherInB = "significantly_higher_in_b"
            case higherInA = "significantly_higher_in_a"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(examples, forKey: .examples)
            try container.encodeNullingNaN(meanDifference, forKey: .meanDifference)
            try container.encode(higherInB, forKey: .higherInB)
            try container.encode(higherInA, forKey: .higherInA)
        }
    }

    /// One example's difference B − A and its standard error (NaN where undefined).
    public struct ExampleDifference: Sendable, Equatable {
        public var a: Double
        public var b: Double
        public var difference: Double
        public var standardError: Double
    }

    public var a: Side
    public var b: Side
    public var referenceTrial: Int
    public var sharedRuns: Int
    public var testAccuracy: BucketDifference
    public var buckets: [ReferenceBuckets.Scheme: [BucketDifference]]
    public var memorization: MemorizationChange
    /// Per training example: mem of A and B and the paired difference of the two estimates.
    public var trainDifferences: [ExampleDifference] = []
    /// Per test example: accuracy of A and B over the shared runs and the paired difference.
    public var testDifferences: [ExampleDifference] = []
    /// The reference buckets of the test examples.
    public var referenceBuckets: ReferenceBuckets?
    /// The labels of the training and test examples (both trials share the dataset).
    public var trainLabels: [Int32] = []
    public var testLabels: [Int32] = []

    enum CodingKeys: String, CodingKey {
        case a, b, buckets, memorization
        case referenceTrial = "reference_trial"
        case sharedRuns = "shared_runs"
        case testAccuracy = "test_accuracy"
    }

    /// z of "significantly higher" for per-example differences.
    public static let significanceZ = 2.0

    /// Compares trial `b` with trial `a` of the database.
    ///
    /// - Parameters:
    ///   - sweepName: the sweep a selector without a sweep means (the newest when nil).
    ///   - reference: the trial whose buckets are used (in A's sweep); nil for A's sweep's
    ///     `analysis.reference_trial` (default 0).
    /// - Throws: ``AnalysisError`` when a trial is missing, the two trials do not share masks (saying
    ///   which setting differs), or they share fewer than two finished runs.
    public static func load(
        store: Store, sweepName: String?, a: TrialSelector, b: TrialSelector, reference: Int? = nil
    ) throws -> PairedComparison {
        let left = try TrialOutcomes.load(store: store, sweepName: a.sweep ?? sweepName, trialIndex: a.trialIndex)
        let right = try TrialOutcomes.load(store: store, sweepName: b.sweep ?? sweepName, trialIndex: b.trialIndex)
        guard left.stored.record.id != right.stored.record.id || a.trialIndex != b.trialIndex else {
            throw AnalysisError("--paired needs two different trials, got trial \(a.trialIndex) twice")
        }
        if let reason = maskMismatch(left.stored, right.stored) {
            throw AnalysisError(
                "trials \(describe(left)) and \(describe(right)) do not share masks (\(reason)): paired differences need runs "
                    + "on the same subsets; compare them unpaired with `mnemo compare`")
        }
        let shared = Set(left.test.keys).intersection(right.test.keys).sorted()
        guard shared.count >= 2 else {
            throw AnalysisError(
                "trials \(describe(left)) and \(describe(right)) share \(shared.count) finished run\(shared.count == 1 ? "" : "s") "
                    + "(same subset index); paired intervals need at least 2 — let more runs finish")
        }
        let referenceIndex = reference ?? left.stored.sweep.analysis?.referenceTrial ?? 0
        let buckets = try ReferenceBuckets.load(store: store, sweepID: left.stored.record.id, trialIndex: referenceIndex)
        var comparison = PairedComparison(
            a: side(left), b: side(right), referenceTrial: referenceIndex, sharedRuns: shared.count,
            testAccuracy: difference(bucket: 0, members: Array(0..<left.stored.dataset.testLabels.count), left, right, shared),
            buckets: [:], memorization: MemorizationChange(examples: 0, meanDifference: .nan, higherInB: 0, higherInA: 0))
        for scheme in ReferenceBuckets.Scheme.allCases {
            comparison.buckets[scheme] = buckets.members(scheme).enumerated().map { index, members in
                difference(bucket: index + 1, members: members, left, right, shared)
            }
        }
        comparison.referenceBuckets = buckets
        comparison.trainLabels = left.stored.dataset.trainLabels
        comparison.testLabels = left.stored.dataset.testLabels
        comparison.testDifferences = testDifferences(left, right, shared)
        comparison.trainDifferences = memorizationDifferences(left, right, shared)
        let defined = comparison.trainDifferences.filter { !$0.difference.isNaN }
        comparison.memorization = MemorizationChange(
            examples: defined.count, meanDifference: Descriptive.mean(defined.map(\.difference)),
            higherInB: defined.count { $0.difference > significanceZ * $0.standardError },
            higherInA: defined.count { -$0.difference > significanceZ * $0.standardError })
        return comparison
    }

    /// Why two trials' runs are not on the same subsets, or nil when they are.
    static func maskMismatch(_ a: StoredTrial, _ b: StoredTrial) -> String? {
        if a.dataset.contentHash != b.dataset.contentHash {
            return "their datasets differ: sha256 \(a.dataset.contentHash.prefix(12))… and \(b.dataset.contentHash.prefix(12))…"
        }
        if a.sweep.seed != b.sweep.seed { return "their sweeps' seeds differ: \(a.sweep.seed) and \(b.sweep.seed)" }
        if a.sweep.estimator.ratio != b.sweep.estimator.ratio {
            return "their subset ratios differ: \(a.sweep.estimator.ratio) and \(b.sweep.estimator.ratio)"
        }
        if a.sweep.estimator.masks != b.sweep.estimator.masks {
            return "their mask schemes differ: \(a.sweep.estimator.masks.rawValue) and \(b.sweep.estimator.masks.rawValue)"
        }
        return nil
    }

    private static func describe(_ outcomes: TrialOutcomes) -> String {
        "\(outcomes.stored.record.id):\(outcomes.stored.trial.trialIndex) (\(outcomes.stored.trial.name))"
    }

    private static func side(_ outcomes: TrialOutcomes) -> Side {
        Side(
            sweep: outcomes.stored.record.id, trialIndex: outcomes.stored.trial.trialIndex,
            name: outcomes.stored.trial.name, runs: outcomes.test.count)
    }

    /// Accuracy on `members` per shared run on each side and its paired difference.
    private static func difference(
        bucket: Int, members: [Int], _ a: TrialOutcomes, _ b: TrialOutcomes, _ shared: [Int]
    ) -> BucketDifference {
        let left = shared.map { a.testAccuracy(subset: $0, over: members) }
        let right = shared.map { b.testAccuracy(subset: $0, over: members) }
        return BucketDifference(
            bucket: bucket, examples: members.count, a: MeanInterval(of: left), b: MeanInterval(of: right),
            difference: MeanInterval(of: zip(right, left).map { $0 - $1 }))
    }

    /// Per test example: accuracy over the shared runs on each side and the mean of the paired
    /// differences with its standard error.
    private static func testDifferences(_ a: TrialOutcomes, _ b: TrialOutcomes, _ shared: [Int]) -> [ExampleDifference] {
        (0..<a.stored.dataset.testLabels.count).map { j in
            let left = shared.map { a.test[$0]![j] ? 1.0 : 0 }
            let right = shared.map { b.test[$0]![j] ? 1.0 : 0 }
            let paired = MeanInterval(of: zip(right, left).map { $0 - $1 })
            return ExampleDifference(
                a: Descriptive.mean(left), b: Descriptive.mean(right), difference: paired.mean,
                standardError: paired.standardError)
        }
    }

    /// Per training example: mem on each side over the shared runs, and the difference
    /// `mean(d | in) − mean(d | out)` of the paired differences `d = C_B − C_A`, with standard error
    /// `√(s²_in/n_in + s²_out/n_out)` (unbiased variances; NaN unless each side has two runs).
    private static func memorizationDifferences(
        _ a: TrialOutcomes, _ b: TrialOutcomes, _ shared: [Int]
    ) -> [ExampleDifference] {
        let n = a.stored.dataset.trainLabels.count
        let masks = shared.map { a.stored.sweep.mask(subset: $0, count: n).isMember }
        return (0..<n).map { i in
            var inside = (a: [Double](), b: [Double]())
            var outside = (a: [Double](), b: [Double]())
            for (position, subset) in shared.enumerated() {
                let left = a.train[subset]![i] ? 1.0 : 0
                let right = b.train[subset]![i] ? 1.0 : 0
                if masks[position][i] {
                    inside.a.append(left)
                    inside.b.append(right)
                } else {
                    outside.a.append(left)
                    outside.b.append(right)
                }
            }
            guard !inside.a.isEmpty, !outside.a.isEmpty else {
                return ExampleDifference(a: .nan, b: .nan, difference: .nan, standardError: .nan)
            }
            let memA = Descriptive.mean(inside.a) - Descriptive.mean(outside.a)
            let memB = Descriptive.mean(inside.b) - Descriptive.mean(outside.b)
            let dIn = zip(inside.b, inside.a).map { $0 - $1 }
            let dOut = zip(outside.b, outside.a).map { $0 - $1 }
            let variance = { (values: [Double]) -> Double in
                let deviation = Descriptive.standardDeviation(values, ddof: 1)
                return deviation * deviation / Double(values.count)
            }
            return ExampleDifference(
                a: memA, b: memB, difference: memB - memA, standardError: (variance(dIn) + variance(dOut)).squareRoot())
        }
    }
}
