import Foundation
import MnemoCore
import MnemoData

/// The built-in, deterministic training engine: an MLP, softmax regression or small CNN trained with
/// SGD (optionally SAM, the sharp-minima objective or SharpReg, penalties, SWA and PAST tuning) on
/// mini-batches of a subset of the training examples.
///
/// Randomness, all from the run's `seed` (streams in `TrainingStream`):
/// - initial weights: `CounterRNG(key: seed, stream: RandomStream.trainingBase)`;
/// - the batch order of epoch e (from 1): `CounterRNG(key: seed, stream: RandomStream.trainingBase + e)`,
///   a permutation of the trained examples;
/// - PAST's member/non-member samples and the other draws: streams of their own.
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
    public static let engineVersion = "mnemo-learn-3"

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
    /// Epoch e runs at the schedule's rate (or, from SWA's start epoch, SWA's constant or cyclical
    /// rate if it has one; see ``WeightAveraging``). Stops after `maxEpochs`, or at the end of the first epoch whose weights reach
    /// `untilTrainAccuracy` on the subset. That accuracy is measured exactly (a forward pass over
    /// the subset) at the end of each epoch whose running accuracy r (measured on the batches as
    /// they were trained) satisfies r + max(0.02, r − r_previous) ≥ target: the running mean lags
    /// the end-of-epoch weights by about half an epoch's progress, so this skips the pass only on
    /// epochs that cannot be close, which saves most of its cost. With SWA, the weights evaluated
    /// (for the target and in the returned model) are the mean of the snapshots once there is one.
    /// With validation examples (a split of the subset, or a separate `validation` set), the weights
    /// kept are those of the best validation epoch (which may predate reaching `untilTrainAccuracy`),
    /// and `patience` may stop training early. PAST tuning, if configured, then runs its epochs from
    /// the kept weights.
    ///
    /// Checks `Task.isCancelled` between epochs, and `cancellation` (if given) before every batch.
    ///
    /// - Parameters:
    ///   - seed: the run's seed (initial weights, batch order, PAST samples).
    ///   - data: all training examples; those outside `subset` serve as PAST's non-members.
    ///   - subset: indices into `data` of the examples to train on.
    ///   - validationSet: examples outside `data` to select the checkpoint on (a sweep's
    ///     `validation_size` examples), instead of a split of the subset; `config.validation` may then
    ///     give only `patience`.
    ///   - cancellation: a flag another thread may raise to stop the run between batches.
    ///   - onEpoch: called after every epoch (PAST tuning epochs included) with what it measured.
    /// - Throws: ``TrainingError``: divergence (a NaN or infinite batch loss, or an epoch's mean
    ///   loss above 20 × max(1, ln classes)), an empty or out-of-range subset, a configuration that
    ///   does not fit the data (or a validation set that does not match it), or cancellation.
    public func train(
        seed: UInt64, data: LabeledData, subset: [Int], validation validationSet: LabeledData? = nil,
        cancellation: TrainingCancellation? = nil, onEpoch: (EpochStatistics) -> Void = { _ in }
    ) throws(TrainingError) -> TrainedModel {
        try config.validate(for: data)
        try checkValidation(validationSet, data: data)
        guard !subset.isEmpty else { throw .invalidSubset(problem: "no examples to train on") }
        if let bad = subset.first(where: { $0 < 0 || $0 >= data.count }) {
            throw .invalidSubset(problem: "example \(bad) is outside 0..<\(data.count)")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let (trained, validation) = split(subset, seed: seed)
        let checks: (data: LabeledData, indices: [Int]) =
            validationSet.map { ($0, Array(0..<$0.count)) } ?? (data, validation)
        let nonMembers = try sparsityNonMembers(data: data, trained: trained)
        let run = TrainingRun(config: config, seed: seed, data: data, trained: trained, cancellation: cancellation)
        let lossLimit = 20 * max(1, Foundation.log(Double(data.classCount)))
        let checkpoint = FloatBuffer(count: checks.indices.isEmpty ? 0 : run.model.parameterCount)
        var best: (epoch: Int, accuracy: Double)?
        var history: [EpochStatistics] = []
        var reachedTarget = false
        var stoppedEarly = false
        var previousRunning = 0.0
        var learningRate = config.learningRate
        var finalAccuracy: Double?
        for epoch in 1...config.maxEpochs {
            if Task.isCancelled || cancellation?.isCancelled == true { throw .cancelled(epoch: epoch) }
            let steps = run.stepsPerEpoch
            learningRate = rate(epoch: epoch, step: 0, steps: steps)
            let (meanLoss, running) = try run.epoch(epoch) { step in Float(rate(epoch: epoch, step: step, steps: steps)) }
            guard meanLoss <= lossLimit else { throw .exploded(epoch: epoch, meanLoss: meanLoss, limit: lossLimit) }
            if let averaging = config.weightAveraging, averaging.endsCycle(epoch: epoch) {
                run.average?.add(run.parameters.pointer)
            }
            var exact: Double?
            if let target = config.untilTrainAccuracy, running + max(0.02, running - previousRunning) >= target {
                let accuracy = run.accuracy(of: trained)
                exact = accuracy
                reachedTarget = accuracy >= target
            }
            var validationAccuracy: Double?
            if !checks.indices.isEmpty {
                let accuracy = run.accuracy(of: checks.indices, in: checks.data)
                validationAccuracy = accuracy
                if accuracy > best?.accuracy ?? -1 {
                    best = (epoch, accuracy)
                    checkpoint.pointer.update(from: run.evaluatedParameters.pointer, count: checkpoint.count)
                }
            }
            finalAccuracy = exact
            history.append(
                EpochStatistics(
                    epoch: epoch, learningRate: learningRate, meanLoss: meanLoss, runningAccuracy: running,
                    subsetAccuracy: exact, validationAccuracy: validationAccuracy))
            onEpoch(history[history.count - 1])
            previousRunning = running
            if reachedTarget { break }
            if let patience = config.validation?.patience, let best, epoch - best.epoch >= patience {
                stoppedEarly = true
                break
            }
        }
        var selectedEpoch = history.count
        if let best, best.epoch != history.count {
            run.restore(checkpoint)
            selectedEpoch = best.epoch
            finalAccuracy = history[best.epoch - 1].subsetAccuracy
        }
        if let tuning = config.sparsityTuning {
            run.adoptEvaluatedParameters()
            let tuningRate = tuning.learningRate ?? learningRate
            for _ in 1...tuning.epochs {
                let epoch = history.count + 1
                if Task.isCancelled { throw .cancelled(epoch: epoch) }
                let gap = run.updateSparsityWeights(tuning, nonMembers: nonMembers, epoch: epoch)
                let (meanLoss, running) = try run.epoch(epoch, learningRate: Float(tuningRate))
                guard meanLoss <= lossLimit else { throw .exploded(epoch: epoch, meanLoss: meanLoss, limit: lossLimit) }
                history.append(
                    EpochStatistics(
                        epoch: epoch, learningRate: tuningRate, meanLoss: meanLoss, runningAccuracy: running,
                        subsetAccuracy: nil, lossGap: gap))
                onEpoch(history[history.count - 1])
            }
            finalAccuracy = nil
        }
        let accuracy = finalAccuracy ?? run.accuracy(of: trained)
        let elapsed = (clock.now - start).components
        let evaluated = run.evaluatedParameters
        let report = TrainingReport(
            epochs: history.count, subsetAccuracy: accuracy, reachedTarget: reachedTarget,
            seconds: Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18, history: history,
            averagedSnapshots: evaluated === run.parameters ? 0 : run.average?.snapshots ?? 0,
            selectedEpoch: selectedEpoch, validationAccuracy: best?.accuracy, validationIndices: validation,
            stoppedEarly: stoppedEarly)
        return TrainedModel(config: config, parameters: evaluated.array, report: report, model: run.model)
    }

    /// Checks that validation examples come from exactly one place and fit the data.
    private func checkValidation(_ validationSet: LabeledData?, data: LabeledData) throws(TrainingError) {
        guard let validationSet else {
            if let validation = config.validation, validation.fraction == nil {
                throw .invalidConfiguration(
                    field: "validation",
                    problem: "without a fraction, validation examples must be given (dataset.validation_size in a sweep)")
            }
            return
        }
        if config.validation?.fraction != nil {
            throw .invalidConfiguration(
                field: "validation.fraction",
                problem: "a validation set is given; a split of the subset would be a second one")
        }
        guard validationSet.count > 0 else {
            throw .invalidConfiguration(field: "validation", problem: "the validation set is empty")
        }
        guard validationSet.dimension == data.dimension, validationSet.classCount == data.classCount else {
            throw .invalidConfiguration(
                field: "validation",
                problem: "validation examples have \(validationSet.dimension) features and \(validationSet.classCount) "
                    + "classes, the training data \(data.dimension) and \(data.classCount)")
        }
    }

    /// The subset's trained and held-out validation examples (no validation without a split).
    private func split(_ subset: [Int], seed: UInt64) -> (trained: [Int], validation: [Int]) {
        guard let validation = config.validation, let fraction = validation.fraction, subset.count >= 2 else {
            return (subset, [])
        }
        var rng = CounterRNG(key: seed, stream: TrainingStream.validation)
        let count = min(ValidationSplit.heldOutCount(fraction: fraction, subsetSize: subset.count), subset.count - 1)
        var heldOut = [Bool](repeating: false, count: subset.count)
        for position in rng.permutation(of: subset.count).prefix(count) { heldOut[position] = true }
        return (
            subset.indices.filter { !heldOut[$0] }.map { subset[$0] },
            subset.indices.filter { heldOut[$0] }.map { subset[$0] }
        )
    }

    /// The learning rate of step `step` (from 0) of the `steps` steps of main-loop epoch `epoch`:
    /// SWA's from its start epoch if it has one, else the schedule's.
    private func rate(epoch: Int, step: Int, steps: Int) -> Double {
        config.weightAveraging?.rate(epoch: epoch, step: step, steps: steps)
            ?? config.schedule.rate(epoch: epoch, base: config.learningRate, totalEpochs: config.maxEpochs)
    }

    /// PAST's non-members: every example of `data` not trained on (empty without PAST).
    ///
    /// - Throws: ``TrainingError/invalidConfiguration(field:problem:)`` when PAST is configured and
    ///   every example is trained on.
    private func sparsityNonMembers(data: LabeledData, trained: [Int]) throws(TrainingError) -> [Int] {
        guard config.sparsityTuning != nil else { return [] }
        var member = [Bool](repeating: false, count: data.count)
        for index in trained { member[index] = true }
        let others = data.labels.indices.filter { !member[$0] }
        guard !others.isEmpty else {
            throw .invalidConfiguration(
                field: "past", problem: "PAST needs non-members, but every example of the data is trained on")
        }
        return others
    }
}
