import Foundation
import MnemoCore
import MnemoStore

/// Exact leave-one-out effects of a `kind: loo` trial (Feldman & Zhang's validation on small data): for
/// each seed, the run on every example minus the run without example i, on i's own correctness and,
/// when the runs report margins, on its true-class margin; the mean over the seeds with its standard
/// error and a 95% interval.
///
/// The runs of a seed share their training seed, so they differ only in the example left out.
public struct LeaveOneOutEstimates: Sendable {
    /// Per training example, over the seeds that have both runs: `C_full[i] − C_without_i[i]`.
    public let correctness: [MeanInterval]
    /// Per training example: `margin_full[i] − margin_without_i[i]`; nil when the runs report no margin.
    public let margin: [MeanInterval]?
    /// Seeds whose run on every example is done.
    public let seeds: Int

    /// Loads trial `trialIndex` of a leave-one-out sweep.
    ///
    /// - Throws: ``AnalysisError`` when the sweep does not use leave-one-out masks or the trial is missing.
    public static func load(store: Store, sweepName: String?, trialIndex: Int) throws -> LeaveOneOutEstimates {
        let stored = try StoredTrial.load(store: store, sweepName: sweepName, trialIndex: trialIndex)
        guard stored.sweep.estimator.masks == .leaveOneOut else {
            throw AnalysisError("sweep \(stored.record.id) is not a leave-one-out sweep (estimator: {kind: loo})")
        }
        let n = stored.dataset.trainLabels.count
        let withMargins = stored.sweep.runOutputs.contains(.margin)
        var full: [Int: (correct: BitVector, margin: [Float]?)] = [:]
        var without: [Int: [Int: (correct: Bool, margin: Float?)]] = [:]
        try store.forEachResult(sweepID: stored.record.id, trialIndex: trialIndex, arrays: withMargins) { row in
            let seed = row.subsetIndex / (n + 1)
            let position = row.subsetIndex % (n + 1)
            let correct = try BitVector(data: row.trainBits, count: n)
            let margins = row.arrays.first { $0.name == RunOutput.margin.arrayName("train") }
                .flatMap { $0.data.count == 4 * n ? $0.values : nil }
            if position == 0 {
                full[seed] = (correct, margins)
            } else {
                without[seed, default: [:]][position - 1] = (correct[position - 1], margins?[position - 1])
            }
        }
        var correctness: [MeanInterval] = []
        var margin: [MeanInterval] = []
        for i in 0..<n {
            var correctEffects: [Double] = []
            var marginEffects: [Double] = []
            for (seed, run) in full {
                guard let left = without[seed]?[i] else { continue }
                correctEffects.append((run.correct[i] ? 1 : 0) - (left.correct ? 1 : 0))
                if let all = run.margin?[i], let alone = left.margin { marginEffects.append(Double(all) - Double(alone)) }
            }
            correctness.append(MeanInterval(of: correctEffects))
            margin.append(MeanInterval(of: marginEffects))
        }
        return LeaveOneOutEstimates(correctness: correctness, margin: withMargins ? margin : nil, seeds: full.count)
    }
}
