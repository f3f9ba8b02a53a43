import Foundation
import MnemoCore
import MnemoStore

/// The headline figures of one trial, as printed at the end of a run and written to `summary.json`.
public struct TrialSummary: Codable, Sendable {
    public var sweep: String
    /// The sweep's id in the database (names repeat across `--new-sweep` sweeps; ids do not).
    public var sweepID: String
    public var trial: String
    public var trialIndex: Int
    public var tasksTotal: Int
    public var tasksDone: Int
    /// Some of the trial's runs are not done yet and will be: the estimates will move.
    public var partial: Bool
    public var runs: Int
    public var trainExamples: Int
    public var testExamples: Int
    /// Accuracy of the runs on their own training subsets (mean over runs).
    public var trainSubsetAccuracy: Double
    /// Accuracy of the runs on the test set (mean over runs).
    public var testAccuracy: Double
    public var meanEpochs: Double
    public var meanMemStandardError: Double
    public var datasetHash: String
    public var labelNoiseFlips: Int
    /// ROC AUC of mem for planted flips against clean examples; nil without planted flips.
    public var mislabeledAUC: Double?
    public var meanMemFlipped: Double?
    public var meanMemClean: Double?
    public var flipsInTopK: Int?
    public var topKFraction: Double?
    /// Test examples per raw influence-entropy bucket 1…5.
    public var entropyBucketCounts: [Int]
    /// Test accuracy per raw influence-entropy bucket 1…5 (NaN-free: empty buckets are null).
    public var entropyBucketAccuracy: [Double?]
    /// What limits the estimates (coverage, unfitted runs, runs to come).
    public var quality: EstimateQuality
    /// ``EstimateQuality/warnings``, one line each: what the headline prints under the figures.
    public var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case sweep, trial, runs, partial
        case sweepID = "sweep_id"
        case trialIndex = "trial_index"
        case tasksTotal = "tasks_total"
        case tasksDone = "tasks_done"
        case trainExamples = "train_examples"
        case testExamples = "test_examples"
        case trainSubsetAccuracy = "train_subset_accuracy"
        case testAccuracy = "test_accuracy"
        case meanEpochs = "mean_epochs"
        case meanMemStandardError = "mean_mem_se"
        case datasetHash = "dataset_sha256"
        case labelNoiseFlips = "label_noise_flips"
        case mislabeledAUC = "mislabeled_auc"
        case meanMemFlipped = "mean_mem_flipped"
        case meanMemClean = "mean_mem_clean"
        case flipsInTopK = "flips_in_top_k"
        case topKFraction = "top_k_flip_fraction"
        case entropyBucketCounts = "entropy_bucket_counts"
        case entropyBucketAccuracy = "entropy_bucket_test_accuracy"
        case quality, warnings
    }

    public init(scores: TrialScores, tasksTotal: Int, tasksDone: Int, stopReason: String? = nil) {
        let analysis = scores.analysis
        let detection = analysis.mislabeledDetection
        sweep = analysis.sweep.name
        sweepID = analysis.trial.sweepID
        trial = analysis.trial.name
        trialIndex = analysis.trial.trialIndex
        self.tasksTotal = tasksTotal
        self.tasksDone = tasksDone
        runs = analysis.runs
        trainExamples = analysis.dataset.trainLabels.count
        testExamples = analysis.dataset.testLabels.count
        trainSubsetAccuracy = analysis.meanReportedSubsetAccuracy
        testAccuracy = analysis.meanTestAccuracy
        meanEpochs = analysis.meanEpochs
        meanMemStandardError = Descriptive.mean(analysis.memorization.standardErrors.filter { !$0.isNaN })
        datasetHash = analysis.dataset.contentHash
        labelNoiseFlips = analysis.dataset.flippedIndices.count
        mislabeledAUC = detection?.auc
        meanMemFlipped = detection?.meanMemFlipped
        meanMemClean = detection?.meanMemClean
        flipsInTopK = detection?.flipsInTopK
        topKFraction = detection?.topKFraction
        entropyBucketCounts = scores.bucketCounts
        entropyBucketAccuracy = scores.bucketAccuracy.map { $0.isNaN ? nil : $0 }
        quality = EstimateQuality(analysis: analysis, tasksDone: tasksDone, tasksTotal: tasksTotal, stopReason: stopReason)
        partial = quality.partial
        warnings = quality.warnings
    }

    /// The end-of-run headline, a few lines of plain text.
    public var headline: String {
        var lines = [
            "\(sweep) · trial \(trialIndex) (\(trial)): \(runs) runs of \(tasksTotal) on \(trainExamples) train / \(testExamples) test examples",
            String(format: "  train-subset accuracy %.4f · test accuracy %.4f · %.1f epochs per run", trainSubsetAccuracy, testAccuracy, meanEpochs),
        ]
        if let auc = mislabeledAUC, let flipped = meanMemFlipped, let clean = meanMemClean,
            let inTop = flipsInTopK, let fraction = topKFraction
        {
            lines.append(
                String(
                    format: "  mislabeled detection: ROC AUC %.3f · mean mem flipped %.3f vs clean %.3f · %d of the top %d are flips (%.0f%%)",
                    auc, flipped, clean, inTop, labelNoiseFlips, fraction * 100))
        }
        lines.append(
            "  influence-entropy buckets 1–5: " + entropyBucketCounts.map(String.init).joined(separator: " / ")
                + String(format: " · mean SE of mem %.3f", meanMemStandardError))
        lines += warnings.map { "  ! " + $0 }
        return lines.joined(separator: "\n")
    }
}

extension TrialSummary {
    /// Loads one trial's scores from the database together with its summary.
    public static func load(store: Store, sweepName: String?, trialIndex: Int) throws -> (TrialScores, TrialSummary) {
        try load(store: store, analysis: TrialAnalysis.load(store: store, sweepName: sweepName, trialIndex: trialIndex))
    }

    /// The scores of `analysis` (aggregated from the database or copied from a running coordinator)
    /// with its summary; progress and stop reasons are read from `store`.
    public static func load(store: Store, analysis: TrialAnalysis) throws -> (TrialScores, TrialSummary) {
        let scores = TrialScores(analysis)
        let trialIndex = analysis.trial.trialIndex
        let progress = try store.plannedProgress(sweepID: analysis.trial.sweepID).first { $0.trialIndex == trialIndex }
        let stopReason = EstimateQuality.stopReason(
            in: try store.cancellationReasons(sweepID: analysis.trial.sweepID), trialIndex: trialIndex)
        return (
            scores,
            TrialSummary(
                scores: scores, tasksTotal: progress?.total ?? 0, tasksDone: progress?.done ?? 0, stopReason: stopReason)
        )
    }
}
