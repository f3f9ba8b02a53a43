import Foundation
import Logging
import MnemoCore
import MnemoData
import MnemoLearn
import MnemoStore
import MnemoWire

/// A sweep file validated against its prepared data, ready to register in a database: what `run`,
/// `coordinator` and `submit` do before serving it. Nothing is written until ``register(in:newSweep:)``,
/// so a file that fails leaves no database behind.
public struct SweepRegistration: Sendable {
    public let spec: SweepSpec
    public let dataset: DatasetSummary
    /// Why training on this data may diverge (features far outside [0, 1]), or nil.
    public let dataWarning: String?

    /// Validates `sweepFile`, prepares its dataset and checks every trial against it.
    ///
    /// - Throws: ``SweepFileError`` or `DatasetError`, naming the file at fault.
    public static func prepare(sweepFile: String, logger: Logger) throws -> SweepRegistration {
        let spec = try SweepParser.parse(contentsOf: sweepFile)
        // A command trainer reads its own settings; only the built-in engine's are checked here.
        let engineTrials = spec.trainer?.command == nil ? spec.trials : []
        for trial in engineTrials {
            let config: TrainingConfig
            do {
                config = try TrainingConfig(model: trial.model, training: trial.training)
            } catch {
                throw SweepFilePosition.error(
                    in: sweepFile, path: "",
                    expected: "trial \(trial.index) (\(trial.name)): \(error)")
            }
            // Masks are recomputed from (seed, subset), never sent back: a validation split carved out of
            // the subset would make held-out examples count as members and bias every estimate.
            if config.validation?.fraction != nil {
                throw SweepFilePosition.error(
                    in: sweepFile, path: "training.validation.fraction",
                    expected: "a validation split holds out members of each subset, which the estimators would count "
                        + "as trained on; set dataset.validation_size instead (examples outside the studied ones)")
            }
            if config.validation != nil, spec.dataset.validationSize == nil {
                throw SweepFilePosition.error(
                    in: sweepFile, path: "training.validation",
                    expected: "early stopping needs validation examples: set dataset.validation_size")
            }
        }
        let started = Date()
        let data: PreparedDataset
        do {
            data = try PreparedDataset.make(spec: spec.dataset, seed: spec.seed, cache: nil)
        } catch {
            // Settings that only the data can check are named by their place in the file.
            if error.file == "synthetic", let key = error.reason.split(separator: ":").first.map(String.init),
                SweepParser.syntheticKeys.contains(where: { $0.key == key })
            {
                throw SweepFilePosition.error(in: sweepFile, path: "dataset.synthetic.\(key)", expected: error.reason)
            }
            if spec.dataset.duplicates != nil, error.reason.hasPrefix("duplicates ") {
                throw SweepFilePosition.error(in: sweepFile, path: "dataset.duplicates", expected: error.reason)
            }
            throw error
        }
        logger.info(
            "dataset \(spec.dataset.name): \(data.train.count) train, \(data.test.count) test, \(data.validation?.count ?? 0) validation examples, \(data.flippedIndices.count) planted flips, sha256 \(data.contentHash.prefix(12))… (\(String(format: "%.2f", Date().timeIntervalSince(started)))s)"
        )
        for trial in engineTrials {
            // Settings that depend on the data (a CNN's input shape) are checked here, once, rather than
            // by every worker on every task.
            do {
                try TrainingConfig(model: trial.model, training: trial.training).validate(for: data.train)
            } catch {
                throw SweepFilePosition.error(
                    in: sweepFile, path: "model",
                    expected: "trial \(trial.index) (\(trial.name)) does not fit the dataset: \(error)")
            }
        }
        if spec.outputs?.contains(.labelOnly) == true, let problem = Self.labelOnlyProblem(datasetName: spec.dataset.name, data: data) {
            throw SweepFilePosition.error(in: sweepFile, path: "outputs", expected: problem)
        }
        // One result travels in one message: its size must fit the coordinator's frames.
        let classes = data.train.classCount
        let resultBytes = (spec.outputs ?? []).reduce((data.train.count + 7) / 8 + (data.test.count + 7) / 8) { total, output in
            total + 4 * (output.shape(count: data.train.count, classes: classes).reduce(1, *)
                + output.shape(count: data.test.count, classes: classes).reduce(1, *))
        }
        guard resultBytes <= FrameLimits.default.maxPayloadBytes else {
            throw SweepFilePosition.error(
                in: sweepFile, path: "outputs",
                expected: "outputs of at most \(FrameLimits.default.maxPayloadBytes >> 20) MiB per run; these take "
                    + "\(resultBytes >> 20) MiB for \(data.train.count) + \(data.test.count) examples of \(classes) classes "
                    + "(drop probability or logits, or study fewer examples)")
        }
        if spec.estimator.masks == .leaveOneOut {
            let runs = spec.estimator.runs(trainCount: data.train.count) * max(1, spec.trials.count)
            guard data.train.count <= Self.leaveOneOutLimit, runs <= SweepParser.maximumRuns else {
                throw SweepFilePosition.error(
                    in: sweepFile, path: "estimator.kind",
                    expected: "leave-one-out trains n + 1 runs per seed and trial: \(data.train.count) training examples make "
                        + "\(runs) runs; it is meant for at most \(Self.leaveOneOutLimit) examples "
                        + "(set dataset.train_limit) and \(SweepParser.maximumRuns) runs")
            }
        }
        if let rule = spec.estimator.stopWhen {
            switch rule.examples {
            case .flipped where data.flippedIndices.isEmpty:
                throw SweepFilePosition.error(
                    in: sweepFile, path: "estimator.stop_when.examples",
                    expected: "examples: flipped needs planted flips (dataset.label_noise above 0); use all or a list of indices")
            case .indices(let indices) where indices.contains { $0 >= data.train.count }:
                throw SweepFilePosition.error(
                    in: sweepFile, path: "estimator.stop_when.examples",
                    expected: "training example indices below \(data.train.count) (the examples studied), found "
                        + "\(indices.filter { $0 >= data.train.count }.prefix(5).map(String.init).joined(separator: ", "))")
            default: break
            }
        }
        let dataWarning = FeatureScale(data.train).warning
        if let dataWarning {
            logger.warning("dataset \(spec.dataset.name): \(dataWarning)")
        }
        var summary = DatasetSummary(
            contentHash: data.contentHash, classCount: data.train.classCount, trainLabels: data.train.labels,
            originalTrainLabels: data.originalTrainLabels, testLabels: data.test.labels,
            flippedIndices: data.flippedIndices, trainSourceIndices: data.trainSourceIndices,
            testSourceIndices: data.testSourceIndices)
        if case .synthetic(let generator) = try DatasetSource(spec.dataset) {
            // Generating again is cheap and deterministic: the examples are those just prepared.
            summary.groundTruth = try SyntheticDataset.generate(generator, seed: spec.seed).groundTruth(
                trainSourceIndices: data.trainSourceIndices, testSourceIndices: data.testSourceIndices)
        } else if !data.duplicatePairs.isEmpty {
            summary.groundTruth = GroundTruth(duplicates: data.duplicatePairs)
        }
        return SweepRegistration(spec: spec, dataset: summary, dataWarning: dataWarning)
    }

    /// Why `label_only` cannot be measured on this data (``LabelOnlyKind``), or nil: an image dataset
    /// must hold images; any other must have binary features, since the attack flips them.
    static func labelOnlyProblem(datasetName: String, data: PreparedDataset) -> String? {
        switch LabelOnlyKind.of(datasetName: datasetName) {
        case .augmentation:
            guard DatasetExamples(data).imageShape(datasetName: datasetName) == nil else { return nil }
            return "label_only measures augmented copies of \(datasetName) images, and these examples of "
                + "\(data.train.dimension) features are not whole images"
        case .featureFlip:
            // Every split is probed: its train, test and validation examples must all be binary.
            let splits = [("training", data.train), ("test", data.test)] + (data.validation.map { [("validation", $0)] } ?? [])
            for (split, examples) in splits {
                guard let bad = examples.features.first(where: { $0 != 0 && $0 != 1 }) else { continue }
                return "label_only on a dataset that is not of images flips binary features, and \(datasetName)'s \(split) "
                    + "examples have a feature of \(bad) (features in [\(examples.features.min() ?? 0), \(examples.features.max() ?? 0)]); "
                    + "drop label_only, or use features that are all 0 or 1"
            }
            return nil
        }
    }

    /// The most training examples a leave-one-out sweep may study.
    static let leaveOneOutLimit = 2000

    /// Registers the sweep in `store`, whose lock the caller holds.
    ///
    /// - Returns: the plan and how many tasks were new.
    /// - Throws: ``SweepIdentityError`` or `StoreError`.
    public func register(in store: Store, newSweep: Bool) throws -> (plan: SweepPlan, newTasks: Int) {
        // A command trainer's runs do not depend on the built-in engine: its version stays out of their ids.
        try SweepPlan.register(
            spec: spec, dataset: dataset, engineVersion: spec.trainer?.command == nil ? Trainer.engineVersion : "command",
            in: store, newSweep: newSweep)
    }
}
