import Foundation
import MnemoCore
import MnemoData
import MnemoLearn

/// `mnemo train`: one model of a sweep trial trained on the sweep's whole training set, to calibrate
/// epochs, accuracy and cost before launching thousands of subset runs.
public struct CalibrationRun: Sendable {
    public let trial: Trial
    public let trainAccuracy: Double
    public let testAccuracy: Double
    /// Accuracy on the sweep's validation examples of the kept (best-validation) weights, and their
    /// epoch; nil without `validation_size`.
    public let validation: (accuracy: Double, epoch: Int)?
    public let epochs: Int
    public let reachedTarget: Bool
    public let seconds: Double
    /// Training examples processed per second (epochs × examples / training time).
    public let examplesPerSecond: Double
    /// Peak resident memory of this process, in bytes.
    public let peakMemoryBytes: Int

    /// Prepares the sweep's dataset and trains trial `trialIndex` on every training example, selecting
    /// the checkpoint on the sweep's validation examples when it has them (as subset runs do).
    ///
    /// - Parameter progress: receives one line per epoch (see ``progressLine(_:of:examples:elapsed:)``).
    /// - Throws: `SweepFileError` for a bad trial index, `DatasetError`, `TrainingError`.
    public static func execute(
        spec: SweepSpec, sweepFile: String, trialIndex: Int, progress: (String) -> Void = { _ in }
    ) throws -> CalibrationRun {
        if spec.trainer != nil {
            throw SweepFileError(
                file: sweepFile, line: nil, column: nil, path: "trainer",
                expected: "`mnemo train` runs the built-in engine, and this sweep's runs are trained by its own "
                    + "trainer; run them with `mnemo run \(sweepFile)`")
        }
        let trials = spec.trials
        guard trials.indices.contains(trialIndex) else {
            throw SweepFileError(
                file: sweepFile, line: nil, column: nil, path: "grid",
                expected: "the sweep has trials 0...\(trials.count - 1); there is no trial \(trialIndex)")
        }
        let trial = trials[trialIndex]
        let data = try PreparedDataset.make(spec: spec.dataset, seed: spec.seed, cache: nil)
        let seed = CounterRNG.value(key: spec.seed, stream: RandomStream.trainingBase, counter: 0)
        let config = try TrainingConfig(model: trial.model, training: trial.training)
        let epochs = config.maxEpochs + (config.sparsityTuning?.epochs ?? 0)
        let clock = ContinuousClock()
        let start = clock.now
        let model = try Trainer(config: config).train(
            seed: seed, data: data.train, subset: Array(0..<data.train.count), validation: data.validation
        ) { statistics in
            let elapsed = (clock.now - start) / .seconds(1)
            progress(progressLine(statistics, of: epochs, examples: data.train.count, elapsed: elapsed))
        }
        let train = model.evaluate(data.train)
        let test = model.evaluate(data.test)
        return CalibrationRun(
            trial: trial, trainAccuracy: train.accuracy, testAccuracy: test.accuracy,
            validation: data.validation == nil
                ? nil : (model.report.validationAccuracy ?? 0, model.report.selectedEpoch),
            epochs: model.report.epochs,
            reachedTarget: model.report.reachedTarget, seconds: model.report.seconds,
            examplesPerSecond: Double(model.report.epochs * data.train.count) / max(model.report.seconds, 1e-9),
            peakMemoryBytes: MemoryBound.peakResidentBytes())
    }

    /// One epoch's line, e.g. `epoch 3/15 · lr 0.0500 · loss 0.4123 · running accuracy 0.8512 ·
    /// 1742 examples/s · 1m43s elapsed · at most 6m53s left` (an accuracy target may stop it sooner).
    ///
    /// - Parameters:
    ///   - statistics: what the epoch measured.
    ///   - epochs: the most epochs the run can take (PAST tuning included).
    ///   - examples: training examples per epoch.
    ///   - elapsed: seconds since training started.
    public static func progressLine(
        _ statistics: EpochStatistics, of epochs: Int, examples: Int, elapsed: Double
    ) -> String {
        let done = statistics.epoch
        let rate = Double(done * examples) / max(elapsed, 1e-9)
        let left = elapsed / Double(done) * Double(max(epochs - done, 0))
        return String(
            format: "epoch %d/%d · lr %.4f · loss %.4f · running accuracy %.4f · %.0f examples/s · %@ elapsed · at most %@ left",
            done, epochs, statistics.learningRate, statistics.meanLoss, statistics.runningAccuracy, rate,
            ProgressReporter.duration(elapsed), ProgressReporter.duration(left))
    }

    /// What `mnemo train` prints.
    public var text: String {
        let target = trial.training.untilTrainAccuracy.map {
            reachedTarget ? " (reached the target \($0))" : " (did not reach the target \($0))"
        } ?? ""
        let validated = validation.map {
            String(format: " · validation accuracy %.4f (weights of epoch %d)", $0.accuracy, $0.epoch)
        } ?? ""
        return [
            "trial \(trial.index) (\(trial.name)), trained on the whole training set:",
            String(format: "  train accuracy %.4f%@ · test accuracy %.4f", trainAccuracy, target, testAccuracy)
                + validated,
            String(
                format: "  %d epochs in %.1f s · %.0f examples/s · peak memory %.1f MiB", epochs, seconds,
                examplesPerSecond, Double(peakMemoryBytes) / 1_048_576),
        ].joined(separator: "\n")
    }
}
