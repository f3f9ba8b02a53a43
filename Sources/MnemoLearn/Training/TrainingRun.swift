import MnemoCore
import MnemoData

/// The mutable state of one training run: parameters, gradients, optimizer, objective, penalties,
/// weight average and scratch memory, all allocated once.
final class TrainingRun {
    let model: Sequential
    let parameters: FloatBuffer
    let gradients: FloatBuffer
    private let optimizer: any Optimizer
    private let objective: ObjectiveGradient
    let penalty: Penalty
    /// SWA's running mean, when the configuration averages.
    let average: WeightAverage?
    let loss: any Loss = SoftmaxCrossEntropy()
    let workspace: Workspace
    let data: LabeledData
    /// The examples trained on.
    let trained: [Int]
    let seed: UInt64
    private let batchSize: Int
    private let augmenter: ImageAugmenter?
    /// PAST's gradients of the member and non-member mean losses, and of one chunk of examples.
    let memberGradient: FloatBuffer
    let nonMemberGradient: FloatBuffer
    let chunkGradient: FloatBuffer
    /// Whether the SWA mean was copied into the weights (after which the weights are evaluated).
    private var averageAdopted = false
    /// The trained examples in the current epoch's batch order.
    private var order: [Int]
    /// Checked before every batch.
    private let cancellation: TrainingCancellation?

    init(
        config: TrainingConfig, seed: UInt64, data: LabeledData, trained: [Int],
        cancellation: TrainingCancellation? = nil
    ) {
        self.cancellation = cancellation
        model = config.model(inputWidth: data.dimension, classCount: data.classCount)
        var rng = CounterRNG(key: seed, stream: TrainingStream.initialization)
        parameters = FloatBuffer(model.initialParameters(rng: &rng, scheme: config.initialization))
        let count = model.parameterCount
        gradients = FloatBuffer(count: count)
        optimizer = SGD(
            parameterCount: count, learningRate: Float(config.learningRate),
            momentum: Float(config.momentum), nesterov: config.nesterov, weightDecay: Float(config.weightDecay))
        objective = ObjectiveGradient(model: model, objective: config.objective)
        let tuning = config.sparsityTuning != nil
        penalty = Penalty(
            l1: Float(config.l1Penalty), l2: Float(config.l2Penalty), parameterCount: count, adaptive: tuning)
        average = config.weightAveraging.map { _ in WeightAverage(parameterCount: count) }
        memberGradient = FloatBuffer(count: tuning ? count : 0)
        nonMemberGradient = FloatBuffer(count: tuning ? count : 0)
        chunkGradient = FloatBuffer(count: tuning ? count : 0)
        batchSize = min(config.batchSize, trained.count)
        if let convolution = config.convolution, let augmentation = config.augmentation {
            augmenter = ImageAugmenter(shape: convolution.inputShape, settings: augmentation)
        } else {
            augmenter = nil
        }
        workspace = Workspace(model: model, capacity: batchSize, training: true)
        self.data = data
        self.trained = trained
        self.seed = seed
        order = trained
    }

    /// The weights the model is evaluated with: the SWA mean once it holds a snapshot, else the
    /// current weights.
    var evaluatedParameters: FloatBuffer {
        if let average, average.snapshots > 0, !averageAdopted { average.average } else { parameters }
    }

    /// Continues training from the evaluated weights (the SWA mean, if any).
    func adoptEvaluatedParameters() {
        guard let average, average.snapshots > 0, !averageAdopted else { return }
        parameters.pointer.update(from: average.average.pointer, count: parameters.count)
        averageAdopted = true
    }

    /// Makes `checkpoint` the current and evaluated weights.
    func restore(_ checkpoint: FloatBuffer) {
        parameters.pointer.update(from: checkpoint.pointer, count: parameters.count)
        averageAdopted = true
    }

    /// Steps (batches) per epoch.
    var stepsPerEpoch: Int { (trained.count + batchSize - 1) / batchSize }

    /// Trains one epoch (from 1) at `learningRate`; returns its mean batch loss (at the weights
    /// before each update, without penalties) and running accuracy.
    ///
    /// - Throws: ``TrainingError/diverged(epoch:)`` at the first batch whose loss is not finite.
    func epoch(_ epoch: Int, learningRate: Float) throws(TrainingError) -> (meanLoss: Double, runningAccuracy: Double) {
        try self.epoch(epoch) { _ in learningRate }
    }

    /// Trains one epoch (from 1), step s (from 0) at `learningRate(s)`; returns its mean batch loss
    /// and running accuracy as ``epoch(_:learningRate:)`` does.
    ///
    /// - Throws: ``TrainingError/diverged(epoch:)`` at the first batch whose loss is not finite,
    ///   ``TrainingError/cancelled(epoch:)`` before the first batch after a cancellation.
    func epoch(
        _ epoch: Int, learningRate: (Int) -> Float
    ) throws(TrainingError) -> (meanLoss: Double, runningAccuracy: Double) {
        var shuffle = CounterRNG(key: seed, stream: TrainingStream.shuffle(epoch: epoch))
        for (position, index) in shuffle.permutation(of: trained.count).enumerated() {
            order[position] = trained[index]
        }
        var lossSum = 0.0
        var correct = 0
        var diverged = false
        var cancelled = false
        let cancellation = cancellation
        let (workspace, objective, optimizer, penalty) = (workspace, objective, optimizer, penalty)
        let (parameters, gradients) = (parameters.pointer, gradients.pointer)
        let (width, classes, count, batchSize) = (data.dimension, data.classCount, model.parameterCount, batchSize)
        let penalized = !penalty.isZero
        let augmenter = augmenter
        var augmentation = CounterRNG(key: seed, stream: TrainingStream.augmentation(epoch: epoch))
        order.withUnsafeBufferPointer { order in
            data.features.withUnsafeBufferPointer { features in
                data.labels.withUnsafeBufferPointer { labels in
                    for start in stride(from: 0, to: order.count, by: batchSize) {
                        if cancellation?.isCancelled == true {
                            cancelled = true
                            return
                        }
                        let batch = min(batchSize, order.count - start)
                        optimizer.learningRate = learningRate(start / batchSize)
                        workspace.gather(
                            UnsafeBufferPointer(rebasing: order[start..<(start + batch)]),
                            from: features.baseAddress!, labels: labels.baseAddress!, width: width)
                        augmenter?.apply(to: workspace.input.pointer, count: batch, rng: &augmentation)
                        let result = objective.compute(
                            batch: batch, classes: classes, workspace: workspace, parameters: parameters,
                            gradients: gradients)
                        guard result.sum.isFinite else {
                            diverged = true
                            return
                        }
                        lossSum += result.sum
                        correct += result.correct
                        if penalized { penalty.addGradient(parameters: parameters, gradients: gradients, count: count) }
                        optimizer.step(parameters: parameters, gradients: gradients, count: count)
                    }
                }
            }
        }
        if cancelled { throw .cancelled(epoch: epoch) }
        if diverged { throw .diverged(epoch: epoch) }
        return (lossSum / Double(order.count), Double(correct) / Double(order.count))
    }

    /// Runs the evaluated weights over `indices` of `source` (the training data by default) in chunks
    /// of the workspace's capacity, calling `body` with each chunk's logits (labels gathered in the
    /// workspace) and size.
    func forEachChunk(
        of indices: [Int], in source: LabeledData? = nil, parameters: UnsafePointer<Float>,
        _ body: (UnsafeMutablePointer<Float>, Int) -> Void
    ) {
        let (model, workspace, data) = (model, workspace, source ?? data)
        let (width, capacity) = (data.dimension, workspace.capacity)
        indices.withUnsafeBufferPointer { indices in
            data.features.withUnsafeBufferPointer { features in
                data.labels.withUnsafeBufferPointer { labels in
                    for start in stride(from: 0, to: indices.count, by: capacity) {
                        let batch = min(capacity, indices.count - start)
                        workspace.gather(
                            UnsafeBufferPointer(rebasing: indices[start..<(start + batch)]),
                            from: features.baseAddress!, labels: labels.baseAddress!, width: width)
                        let logits = model.forward(
                            workspace.input.pointer, batch: batch, parameters: parameters, workspace: workspace)
                        body(logits, batch)
                    }
                }
            }
        }
    }

    /// Exact accuracy of the evaluated weights on `indices` of `source` (the training data by default).
    func accuracy(of indices: [Int], in source: LabeledData? = nil) -> Double {
        var correct = 0
        let (loss, labels, classes) = (loss, workspace.labels, data.classCount)
        forEachChunk(of: indices, in: source, parameters: evaluatedParameters.pointer) { logits, batch in
            correct += loss.evaluate(logits: logits, labels: labels, batch: batch, classes: classes, gradient: nil).correct
        }
        return Double(correct) / Double(indices.count)
    }
}
