import MnemoCore
import MnemoStore

/// The correctness vectors of every finished run of one trial, by subset index: what per-bucket
/// accuracies and paired comparisons are computed from.
public struct TrialOutcomes: Sendable {
    public let stored: StoredTrial
    /// Per subset index: which training examples the run classified correctly.
    public let train: [Int: BitVector]
    /// Per subset index: which test examples the run classified correctly.
    public let test: [Int: BitVector]

    /// The subset indices with a finished run, ascending.
    public var subsets: [Int] { test.keys.sorted() }

    /// Loads trial `trialIndex` of the sweep `sweepName` (see ``TrialAnalysis/sweepRecord(store:name:)``).
    ///
    /// - Throws: ``AnalysisError`` when the trial is missing or a stored vector does not fit the dataset.
    public static func load(store: Store, sweepName: String?, trialIndex: Int) throws -> TrialOutcomes {
        let stored = try StoredTrial.load(store: store, sweepName: sweepName, trialIndex: trialIndex)
        let n = stored.dataset.trainLabels.count
        let t = stored.dataset.testLabels.count
        var train: [Int: BitVector] = [:]
        var test: [Int: BitVector] = [:]
        try store.forEachResult(sweepID: stored.record.id, trialIndex: trialIndex) { row in
            train[row.subsetIndex] = try BitVector(data: row.trainBits, count: n)
            test[row.subsetIndex] = try BitVector(data: row.testBits, count: t)
        }
        return TrialOutcomes(stored: stored, train: train, test: test)
    }

    /// The accuracy of run `subset` on the test examples `members` (NaN for none).
    public func testAccuracy(subset: Int, over members: [Int]) -> Double {
        guard let bits = test[subset], !members.isEmpty else { return .nan }
        return Double(members.count { bits[$0] }) / Double(members.count)
    }
}
