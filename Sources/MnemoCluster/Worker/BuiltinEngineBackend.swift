import Foundation
import MnemoCore
import MnemoData
import MnemoLearn
import MnemoWire

/// Runs leased tasks with the built-in engine: prepares (or reuses) the sweep's dataset, checks its
/// content hash, derives the mask, trains, and evaluates every train and test example.
struct BuiltinEngineBackend: TaskBackend {
    /// The worker's prepared datasets, shared by its slots.
    let datasets: PreparedDatasets

    func run(_ task: LeasedTask, cancellation: TrainingCancellation) -> FinishedTask? {
        let start = Date()
        let data: DatasetExamples
        let scale: FeatureScale
        do {
            (data, scale) = try datasets.dataset(for: task.spec, cancellation: cancellation)
        } catch {
            if error is DatasetFetchCancelled { return nil }
            // The worker's copy of the data is missing, unreadable or different: its fault, not the task's.
            return .failure(of: task, TaskFailure(.infrastructure, "\(error)"), after: Date().timeIntervalSince(start))
        }
        let spec = task.spec
        if let problem = Self.specMismatch(spec, data: data) {
            return .failure(of: task, TaskFailure(.deterministic, problem), after: Date().timeIntervalSince(start))
        }
        do {
            let model = try Trainer(config: TrainingConfig(model: spec.model, training: spec.training)).train(
                seed: spec.trainingSeed, data: data.train, subset: spec.mask.members, validation: data.validation,
                cancellation: cancellation)
            let outputs = spec.outputs ?? []
            let keepLogits = outputs.contains { $0.isPerClass }
            let train = model.evaluate(data.train, keepLogits: keepLogits)
            let test = model.evaluate(data.test, keepLogits: keepLogits)
            var labelOnly: (train: [Float], test: [Float])?
            if outputs.contains(.labelOnly) {
                guard let probe = Self.labelOnlyProbe(datasetName: spec.dataset.name, data: data) else {
                    let problem = "outputs: label_only cannot measure \(spec.dataset.name) examples of \(data.train.dimension) features as images"
                    return .failure(of: task, TaskFailure(.deterministic, problem), after: Date().timeIntervalSince(start))
                }
                labelOnly = (model.labelOnlyScores(data.train, probe: probe), model.labelOnlyScores(data.test, probe: probe))
            }
            let arrays = RunOutputArrays.fromEngine(
                outputs, train: train, test: test, labelOnly: labelOnly, classes: data.train.classCount)
            let outcome = TaskOutcome(
                taskId: task.taskId, attempt: task.attempt, failure: nil, trainCount: data.train.count,
                testCount: data.test.count, payloadOffset: 0, subsetAccuracy: model.report.subsetAccuracy,
                testAccuracy: test.accuracy, epochs: model.report.epochs, seconds: Date().timeIntervalSince(start),
                arrays: arrays.headers.isEmpty ? nil : arrays.headers,
                metrics: model.report.history.last.map { ["loss": $0.meanLoss] })
            return FinishedTask(
                outcome: outcome, trainBits: BitVector(train.correct).data, testBits: BitVector(test.correct).data,
                arrays: arrays.data)
        } catch {
            // The engine is deterministic: a run that diverged, or a setting that does not fit, fails the
            // same way every time, so it is never retried.
            if error.isCancellation { return nil }
            let hint = error.isDivergence ? scale.warning.map { " (likely cause: \($0))" } ?? "" : ""
            return .failure(of: task, TaskFailure(.deterministic, "\(error)\(hint)"), after: Date().timeIntervalSince(start))
        }
    }
}

extension BuiltinEngineBackend {
    /// How the `label_only` output is measured on this data (``LabelOnlyKind``): augmented copies of
    /// an image dataset's images, or flipped features otherwise.
    static func labelOnlyProbe(datasetName: String, data: DatasetExamples) -> LabelOnlyProbe? {
        guard LabelOnlyKind.of(datasetName: datasetName) == .augmentation else { return .featureFlip }
        guard let shape = data.imageShape(datasetName: datasetName), shape.count == 3 else { return nil }
        return .augmentation(ImageShape(channels: shape[0], height: shape[1], width: shape[2]))
    }

    /// Why a lease's spec does not fit the data, or nil. A lease's spec comes from the network: one that
    /// does not fit (a coordinator of another sweep, a hostile one) fails the task instead of reaching
    /// the engine's preconditions or a command's inputs.
    static func specMismatch(_ spec: TaskSpec, data: DatasetExamples) -> String? {
        let ratioFits = spec.masks == .leaveOneOut || (0.01...0.99).contains(spec.ratio)
        guard spec.trainCount == data.train.count, ratioFits, spec.subset >= 0 else {
            return "the lease's spec does not fit this worker's data: train_count \(spec.trainCount) "
                + "(the data has \(data.train.count)), ratio \(spec.ratio), subset \(spec.subset)"
        }
        return nil
    }
}

/// This worker's copy of the dataset differs from the coordinator's: training on it would mix
/// different data into one estimate.
struct DatasetMismatchError: Error, CustomStringConvertible {
    let location: String
    let expected: String
    let found: String

    var description: String {
        "dataset at \(location) has content hash \(found.prefix(16))…, the sweep expects \(expected.prefix(16))…; "
            + "install the same dataset version on every worker"
    }
}
