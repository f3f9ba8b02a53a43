import Foundation
import MnemoCore
import MnemoLearn

/// `mnemo train`: one model of a sweep trial trained on the sweep's whole training set, to calibrate
/// epochs, accuracy and cost before launching thousands of subset runs.
public struct CalibrationRun: Sendable {
    public let trial: Trial
    public let trainAccuracy: Double
    public let testAccuracy: Double
    public let epochs: Int
    public let reachedTarget: Bool
    public let seconds: Double
    /// Training examples processed per second (epochs × examples / training time).
    public let examplesPerSecond: Double
    /// Peak resident memory of this process, in bytes.
    public let peakMemoryBytes: Int

    /// Prepares the sweep's dataset and trains trial `trialIndex` on every training example.
    ///
    /// - Throws: `SweepFileError` for a bad trial index, `DatasetError`, `TrainingError`.
    public static func execute(spec: SweepSpec, sweepFile: String, trialIndex: Int) throws -> CalibrationRun {
        let trials = spec.trials
        guard trials.indices.contains(trialIndex) else {
            throw SweepFileError(
                file: sweepFile, line: nil, column: nil, path: "grid",
                expected: "the sweep has trials 0...\(trials.count - 1); there is no trial \(trialIndex)")
        }
        let trial = trials[trialIndex]
        let data = try PreparedDataset.make(spec: spec.dataset, seed: spec.seed, cache: nil)
        let seed = CounterRNG.value(key: spec.seed, stream: RandomStream.trainingBase, counter: 0)
        let model = try Trainer(config: TrainingConfig(model: trial.model, training: trial.training)).train(
            seed: seed, data: data.train, subset: Array(0..<data.train.count))
        let train = model.evaluate(data.train)
        let test = model.evaluate(data.test)
        return CalibrationRun(
            trial: trial, trainAccuracy: train.accuracy, testAccuracy: test.accuracy, epochs: model.report.epochs,
            reachedTarget: model.report.reachedTarget, seconds: model.report.seconds,
            examplesPerSecond: Double(model.report.epochs * data.train.count) / max(model.report.seconds, 1e-9),
            peakMemoryBytes: MemoryBound.peakResidentBytes())
    }

    /// What `mnemo train` prints.
    public var text: String {
        let target = trial.training.untilTrainAccuracy.map {
            reachedTarget ? " (reached the target \($0))" : " (did not reach the target \($0))"
        } ?? ""
        return [
            "trial \(trial.index) (\(trial.name)), trained on the whole training set:",
            String(format: "  train accuracy %.4f%@ · test accuracy %.4f", trainAccuracy, target, testAccuracy),
            String(
                format: "  %d epochs in %.1f s · %.0f examples/s · peak memory %.1f MiB", epochs, seconds,
                examplesPerSecond, Double(peakMemoryBytes) / 1_048_576),
        ].joined(separator: "\n")
    }
}
