import Foundation
import MnemoCore

/// The built-in, deterministic training engine: an MLP (or softmax regression) trained with SGD on
/// mini-batches of a subset of the training examples.
///
/// Randomness, all from the run's `seed`:
/// - initial weights: `CounterRNG(key: seed, stream: RandomStream.trainingBase)`;
/// - the batch order of epoch e (from 1): `CounterRNG(key: seed, stream: RandomStream.trainingBase + e)`,
///   a permutation of the subset.
///
/// With one BLAS thread the same seed, data and subset give bit-identical weights.
///
/// ```swift
/// let trainer = try Trainer(config: TrainingConfig(hiddenSizes: [512], learningRate: 0.1, maxEpochs: 100,
///                                                  untilTrainAccuracy: 0.995))
/// let model = try trainer.train(seed: task.trainingSeed, data: prepared.train, subset: mask.members)
/// let trainCorrect = model.evaluate(prepared.train).correct
/// ```
public struct Trainer: Sendable {
    /// Names the numerics of this engine; part of every task id, so a change here must bump it.
    public static let engineVersion = "mnemo-learn-1"

    /// The validated configuration.
    public let config: TrainingConfig

    /// A trainer for `config`.
    ///
    /// - Throws: ``TrainingError`` if a field of `config` is out of range.
    public init(config: TrainingConfig) throws(TrainingError) {
        try config.validate()
        self.config = config
    }

    /// Trains a model on the examples `subset` of `data`.
    ///
    /// Stops after `maxEpochs`, or at the end of the first epoch whose weights reach
    /// `untilTrainAccuracy` on the subset. That accuracy is measured exactly (a forward pass over
    /// the subset) at the end of each epoch whose running accuracy r (measured on the batches as
    /// they were trained) satisfies r + max(0.02, r − r_previous) ≥ target: the running mean lags
    /// the end-of-epoch weights by about half an epoch's progress, so this skips the pass only on
    /// epochs that cannot be close, which saves most of its cost.
    ///
    /// Checks `Task.isCancelled` between epochs.
    ///
    /// - Parameters:
    ///   - seed: the run's seed (initial weights and batch order).
    ///   - data: all training examples.
    ///   - subset: indices into `data` of the examples to train on.
    /// - Throws: ``TrainingError``: divergence (a NaN or infinite batch loss), an empty or
    ///   out-of-range subset, or cancellation.
    public func train(seed: UInt64, data: LabeledData, subset: [Int]) throws(TrainingError) -> TrainedModel {
        try config.validate(for: data)
        guard !subset.isEmpty else { throw .invalidSubset(problem: "no examples to train on") }
        if let bad = subset.first(where: { $0 < 0 || $0 >= data.count }) {
            throw .invalidSubset(problem: "example \(bad) is outside 0..<\(data.count)")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let run = TrainingRun(config: config, seed: seed, data: data, subset: subset)
        var history: [EpochStatistics] = []
        var reachedTarget = false
        var previousRunning = 0.0
        for epoch in 1...config.maxEpochs {
            if Task.isCancelled { throw .cancelled(epoch: epoch) }
            let (meanLoss, running) = try run.epoch(epoch)
            var exact: Double?
            if let target = config.untilTrainAccuracy, running + max(0.02, running - previousRunning) >= target {
                let accuracy = run.subsetAccuracy()
                exact = accuracy
                reachedTarget = accuracy >= target
            }
            history.append(
                EpochStatistics(
                    epoch: epoch,
                    learningRate: config.schedule.rate(
                        epoch: epoch, base: config.learningRate, totalEpochs: config.maxEpochs),
                    meanLoss: meanLoss, runningAccuracy: running, subsetAccuracy: exact))
            previousRunning = running
            if reachedTarget { break }
        }
        let finalAccuracy = history[history.count - 1].subsetAccuracy ?? run.subsetAccuracy()
        let elapsed = (clock.now - start).components
        let report = TrainingReport(
            epochs: history.count, subsetAccuracy: finalAccuracy, reachedTarget: reachedTarget,
            seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18, history: history)
        return TrainedModel(config: config, parameters: run.parameters.array, report: report, model: run.model)
    }
}
