import Foundation
import MnemoAnalysis
import MnemoCore
import MnemoData
import MnemoLinalg
import MnemoStore

/// Writes a trial's scores to files: `memorization.csv`, `influence_top.csv`, `influencers.csv`,
/// `entropy.csv`, `summary.json`, `convergence.csv`, for generated data `ground_truth.npz`, for leave-one-out sweeps `loo.csv`, `fz_estimates.npz` (the Feldman–Zhang release layout) and `runs.npz` (one row per
/// run: `trainset_mask`, `trainset_correctness`, `testset_correctness`).
///
/// Every file but `summary.json` depends only on the sweep's spec and its stored results (not on the
/// order they were stored in, the database, the sweep id or the time), so equal runs export equal
/// bytes. Examples are numbered as trained on (0..<n); the `source_index` columns and the
/// `tr_source_idx`/`tt_source_idx` arrays map them back to the user's splits.
public struct Exporter {
    public let store: Store
    public let scores: TrialScores
    public let summary: TrialSummary
    /// What `summary.json` says of the export beside ``summary``.
    public let description: TrialDescription

    public init(store: Store, scores: TrialScores, summary: TrialSummary, description: TrialDescription) {
        self.store = store
        self.scores = scores
        self.summary = summary
        self.description = description
    }

    /// Writes every file into `directory` (created if needed) and returns their URLs.
    ///
    /// - Parameter sizes: how many pairs `influence_top.csv` lists and how many influencers of each test
    ///   example `influencers.csv` does.
    @discardableResult
    public func write(to directory: URL, sizes: ExportSizes = ExportSizes()) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let files = [
            directory.appendingPathComponent("memorization.csv"),
            directory.appendingPathComponent("influence_top.csv"),
            directory.appendingPathComponent("entropy.csv"),
            directory.appendingPathComponent("summary.json"),
            directory.appendingPathComponent("fz_estimates.npz"),
            directory.appendingPathComponent("runs.npz"),
            directory.appendingPathComponent("influencers.csv"),
        ]
        try write(memorizationCSV(), to: files[0])
        let significance = scores.significance()
        try write(influenceCSV(count: sizes.topPairs, significance: significance), to: files[1])
        try write(entropyCSV(), to: files[2])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(SummaryFile(summary: summary, description: description)).write(to: files[3], options: .atomic)
        try writeEstimates(to: files[4])
        try writeRuns(to: files[5])
        try write(influencersCSV(count: sizes.influencers, significance: significance), to: files[6])
        var further: [URL] = []
        if let truth = dataset.groundTruth {
            further.append(directory.appendingPathComponent("ground_truth.npz"))
            try writeGroundTruth(truth, to: further.last!)
        }
        further.append(directory.appendingPathComponent("convergence.csv"))
        try write(try convergenceCSV(), to: further.last!)
        if scores.analysis.sweep.estimator.masks == .leaveOneOut {
            further.append(directory.appendingPathComponent("loo.csv"))
            try write(try leaveOneOutCSV(), to: further.last!)
        }
        return files + further
    }

    private func write(_ text: String, to url: URL) throws {
        try Data(text.utf8).write(to: url, options: .atomic)
    }

    private var dataset: DatasetSummary { scores.analysis.dataset }

    func memorizationCSV() -> String {
        let mem = scores.analysis.memorization
        let flipped = Set(dataset.flippedIndices)
        var text = "index,label,original_label,flipped,mem,mem_se,source_index\n"
        for i in mem.values.indices {
            text += "\(i),\(dataset.trainLabels[i]),\(dataset.originalTrainLabels[i]),\(flipped.contains(i) ? 1 : 0),"
            text += "\(Self.number(mem.values[i])),\(Self.number(mem.standardErrors[i])),\(dataset.trainSourceIndices[i])\n"
        }
        return text
    }

    func influenceCSV(count: Int, significance: InfluenceSignificance) -> String {
        var text = "train_index,test_index,class,influence,influence_se,significant,train_source_index,test_source_index,"
            + "p_value,q_value\n"
        for pair in scores.topPairs(count) {
            let significant = pair.influence > TrialScores.significanceZ * pair.standardError
            let p = InfluenceSignificance.pValue(influence: pair.influence, standardError: pair.standardError)
            text += "\(pair.train),\(pair.test),\(dataset.testLabels[pair.test]),"
            text += "\(Self.number(pair.influence)),\(Self.number(pair.standardError)),\(significant ? 1 : 0),"
            text += "\(dataset.trainSourceIndices[pair.train]),\(dataset.testSourceIndices[pair.test]),"
            text += "\(Self.number(p)),\(Self.number(significance.qValue(pValue: p)))\n"
        }
        return text
    }

    /// `convergence.csv`: the memorization estimates at up to eight checkpoints over the runs
    /// (``TrialConvergence``).
    func convergenceCSV() throws -> String {
        let convergence = try TrialConvergence.load(
            store: store, sweepName: scores.analysis.trial.sweepID, trialIndex: scores.analysis.trial.trialIndex)
        var text = "runs,mean_mem_se,undefined,significant,changed\n"
        for point in convergence.checkpoints {
            text += "\(point.runs),\(Self.number(point.meanMemSE)),\(point.undefined),\(point.significant),\(point.changed)\n"
        }
        return text
    }

    /// `loo.csv`, for a leave-one-out sweep: per training example the exact leave-one-out effects on its
    /// correctness and (with margin outputs) its margin, mean over seeds with SE.
    func leaveOneOutCSV() throws -> String {
        let analysis = scores.analysis
        let estimates = try LeaveOneOutEstimates.load(
            store: store, sweepName: analysis.trial.sweepID, trialIndex: analysis.trial.trialIndex)
        var text = "index,label,mem_loo,mem_loo_se,margin_loo,margin_loo_se,seeds,source_index\n"
        for i in estimates.correctness.indices {
            let margin = estimates.margin?[i]
            text += "\(i),\(dataset.trainLabels[i]),\(Self.number(estimates.correctness[i].mean)),"
            text += "\(Self.number(estimates.correctness[i].standardError)),\(Self.number(margin?.mean ?? .nan)),"
            text += "\(Self.number(margin?.standardError ?? .nan)),\(estimates.correctness[i].count),\(dataset.trainSourceIndices[i])\n"
        }
        return text
    }

    /// `influencers.csv`: each test example's `count` most influential training examples of its class.
    func influencersCSV(count: Int, significance: InfluenceSignificance) -> String {
        var text = "test_index,rank,train_index,influence,influence_se,q_value,train_source_index,test_source_index\n"
        for (test, pairs) in scores.topInfluencers(count).enumerated() {
            for (rank, pair) in pairs.enumerated() {
                text += "\(test),\(rank + 1),\(pair.train),\(Self.number(pair.influence)),\(Self.number(pair.standardError)),"
                text += "\(Self.number(significance.qValue(influence: pair.influence, standardError: pair.standardError))),"
                text += "\(dataset.trainSourceIndices[pair.train]),"
                text += "\(dataset.testSourceIndices[test])\n"
            }
        }
        return text
    }

    func entropyCSV() -> String {
        var text = "test_index,label,entropy,bucket,all_zero,thresholded_entropy,thresholded_bucket,source_index\n"
        let raw = scores.rawEntropy.entropy
        let thresholded = scores.thresholdedEntropy.entropy
        for j in raw.values.indices {
            text += "\(j),\(dataset.testLabels[j]),\(Self.number(raw.values[j])),\(scores.rawBuckets[j]),"
            text += "\(raw.isAllZero[j] ? 1 : 0),\(Self.number(thresholded.values[j])),\(scores.thresholdedBuckets[j]),"
            text += "\(dataset.testSourceIndices[j])\n"
        }
        return text
    }

    /// `tr_mem`, `tr_labels`, `tt_labels`, and per class c `tr_classidx_{c}`, `tt_classidx_{c}`,
    /// `infl_matrix_class{c}` (N_c × T_c, float32), as in the Feldman–Zhang release files; and
    /// `tr_source_idx`, `tt_source_idx`: each example's index in the user's train and test splits.
    private func writeEstimates(to url: URL) throws {
        let writer = try NpzWriter(url: url)
        let n = dataset.trainLabels.count
        let t = dataset.testLabels.count
        try writer.append(NpyArray(name: "tr_mem", shape: [n], values: scores.analysis.memorization.values.map(Float.init)))
        try writer.append(NpyArray(name: "tr_mem_se", shape: [n], values: scores.analysis.memorization.standardErrors.map(Float.init)))
        try writer.append(NpyArray(name: "tr_labels", shape: [n], values: dataset.trainLabels.map(Int64.init)))
        try writer.append(NpyArray(name: "tr_original_labels", shape: [n], values: dataset.originalTrainLabels.map(Int64.init)))
        try writer.append(NpyArray(name: "tr_flipped_idx", shape: [dataset.flippedIndices.count], values: dataset.flippedIndices.map(Int64.init)))
        try writer.append(NpyArray(name: "tt_labels", shape: [t], values: dataset.testLabels.map(Int64.init)))
        try writer.append(NpyArray(name: "tr_source_idx", shape: [n], values: dataset.trainSourceIndices.map(Int64.init)))
        try writer.append(NpyArray(name: "tt_source_idx", shape: [t], values: dataset.testSourceIndices.map(Int64.init)))
        for block in scores.blocks {
            guard let c = block.classIndex else { continue }
            try writer.append(NpyArray(name: "tr_classidx_\(c)", shape: [block.trainIndices.count], values: block.trainIndices.map(Int64.init)))
            try writer.append(NpyArray(name: "tt_classidx_\(c)", shape: [block.testIndices.count], values: block.testIndices.map(Int64.init)))
            try writer.append(
                NpyArray(
                    name: "infl_matrix_class\(c)", shape: [block.values.rows, block.values.columns],
                    values: block.values.storage.map(Float.init)))
        }
        try writer.finish()
    }

    /// `ground_truth.npz`, for generated data or planted duplicates: `tr_mode`, `tr_rare`, `tt_mode`,
    /// `tt_rare` per example (generated data only) and the planted pairs `dup_train_idx`, `dup_test_idx`,
    /// `dup_label`, `dup_original_label`.
    private func writeGroundTruth(_ truth: GroundTruth, to url: URL) throws {
        let pairs = truth.duplicates
        let modes = truth.hasModes ? [
            try NpyArray(name: "tr_mode", shape: [truth.trainModes.count], values: truth.trainModes.map(Int64.init)),
            try NpyArray(name: "tr_rare", shape: [truth.trainModes.count], values: truth.trainModes.map(truth.isRare)),
            try NpyArray(name: "tt_mode", shape: [truth.testModes.count], values: truth.testModes.map(Int64.init)),
            try NpyArray(name: "tt_rare", shape: [truth.testModes.count], values: truth.testModes.map(truth.isRare)),
        ] : []
        try NpzWriter.write(
            modes + [
                try NpyArray(name: "dup_train_idx", shape: [pairs.count], values: pairs.map { Int64($0.train) }),
                try NpyArray(name: "dup_test_idx", shape: [pairs.count], values: pairs.map { Int64($0.test) }),
                try NpyArray(name: "dup_label", shape: [pairs.count], values: pairs.map { Int64($0.label) }),
                try NpyArray(name: "dup_original_label", shape: [pairs.count], values: pairs.map { Int64($0.originalLabel) }),
            ], to: url)
    }

    /// The per-run archive: runs × examples boolean matrices, in subset order, plus `subset_idx`.
    private func writeRuns(to url: URL) throws {
        let analysis = scores.analysis
        let n = dataset.trainLabels.count
        let t = dataset.testLabels.count
        var masks: [Bool] = []
        var trainCorrect: [Bool] = []
        var testCorrect: [Bool] = []
        var subsets: [Int64] = []
        let outputs = analysis.sweep.outputs ?? []
        let classes = dataset.classCount
        // Per output and split, the runs' rows one after another (NaN where a run lacks the array).
        var floats: [String: Data] = [:]
        try store.forEachResult(
            sweepID: analysis.trial.sweepID, trialIndex: analysis.trial.trialIndex, arrays: !outputs.isEmpty
        ) { row in
            masks += analysis.sweep.mask(subset: row.subsetIndex, count: n).isMember
            trainCorrect += Array(try BitVector(data: row.trainBits, count: n))
            testCorrect += Array(try BitVector(data: row.testBits, count: t))
            subsets.append(Int64(row.subsetIndex))
            for output in outputs {
                for (split, count) in [("train", n), ("test", t)] {
                    let name = output.arrayName(split)
                    let bytes = 4 * output.shape(count: count, classes: classes).reduce(1, *)
                    let stored = row.arrays.first { $0.name == name }?.data
                    floats[name, default: Data()].append(
                        stored?.count == bytes ? stored! : [Float](repeating: .nan, count: bytes / 4).withUnsafeBytes { Data($0) })
                }
            }
        }
        let runs = subsets.count
        var arrays = [
            try NpyArray(name: "subset_idx", shape: [runs], values: subsets),
            try NpyArray(name: "trainset_mask", shape: [runs, n], values: masks),
            try NpyArray(name: "trainset_correctness", shape: [runs, n], values: trainCorrect),
            try NpyArray(name: "testset_correctness", shape: [runs, t], values: testCorrect),
        ]
        for output in outputs {
            for (split, count, prefix) in [("train", n, "trainset"), ("test", t, "testset")] {
                arrays.append(
                    try NpyArray(
                        name: "\(prefix)_\(output.rawValue)", shape: [runs] + output.shape(count: count, classes: classes),
                        dtype: .float32, bytes: floats[output.arrayName(split)] ?? Data()))
            }
        }
        try NpzWriter.write(arrays, to: url)
    }

    /// A CSV number: `nan` for undefined scores, otherwise ten significant digits (independent
    /// recomputations agree with them to 1e-9 of the value).
    static func number(_ value: Double) -> String {
        value.isNaN ? "nan" : String(format: "%.10g", value)
    }

    /// `summary.json`: the trial's figures and the export's description, as one object.
    private struct SummaryFile: Encodable {
        let summary: TrialSummary
        let description: TrialDescription

        func encode(to encoder: any Encoder) throws {
            try summary.encode(to: encoder)
            try description.encode(to: encoder)
        }
    }
}
