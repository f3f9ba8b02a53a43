import MnemoCore

/// The mutable state of one training run: parameters, gradients, optimizer and scratch memory,
/// all allocated once.
final class TrainingRun {
    let model: Sequential
    let parameters: FloatBuffer
    private let gradients: FloatBuffer
    private let optimizer: any Optimizer
    private let loss: any Loss = SoftmaxCrossEntropy()
    private let workspace: Workspace
    private let data: LabeledData
    private let subset: [Int]
    private let seed: UInt64
    private let batchSize: Int
    private let config: TrainingConfig
    /// The subset in the current epoch's batch order.
    private var order: [Int]

    init(config: TrainingConfig, seed: UInt64, data: LabeledData, subset: [Int]) {
        model = config.model(inputWidth: data.dimension, classCount: data.classCount)
        var rng = CounterRNG(key: seed, stream: RandomStream.trainingBase)
        parameters = FloatBuffer(model.initialParameters(rng: &rng, scheme: config.initialization))
        gradients = FloatBuffer(count: model.parameterCount)
        optimizer = SGD(
            parameterCount: model.parameterCount, learningRate: Float(config.learningRate),
            momentum: Float(config.momentum), nesterov: config.nesterov, weightDecay: Float(config.weightDecay))
        batchSize = min(config.batchSize, subset.count)
        workspace = Workspace(model: model, capacity: max(batchSize, TrainedModel.evaluationBatch), training: true)
        self.data = data
        self.subset = subset
        self.seed = seed
        self.config = config
        order = subset
    }

    /// Trains one epoch (1-based) at the schedule's learning rate; returns its mean batch loss and
    /// running accuracy.
    ///
    /// - Throws: ``TrainingError/diverged(epoch:)`` at the first batch whose loss is not finite.
    func epoch(_ epoch: Int) throws(TrainingError) -> (meanLoss: Double, runningAccuracy: Double) {
        optimizer.learningRate = Float(
            config.schedule.rate(epoch: epoch, base: config.learningRate, totalEpochs: config.maxEpochs))
        var shuffle = CounterRNG(key: seed, stream: RandomStream.trainingBase &+ UInt64(epoch))
        for (position, index) in shuffle.permutation(of: subset.count).enumerated() {
            order[position] = subset[index]
        }
        var lossSum = 0.0
        var correct = 0
        var diverged = false
        let (model, workspace, loss, optimizer) = (model, workspace, loss, optimizer)
        let (parameters, gradients) = (parameters.pointer, gradients.pointer)
        let logitGradient = workspace.gradients[workspace.gradients.count - 1].pointer
        let (width, classes, count, batchSize) = (data.dimension, data.classCount, model.parameterCount, batchSize)
        order.withUnsafeBufferPointer { order in
            data.features.withUnsafeBufferPointer { features in
                data.labels.withUnsafeBufferPointer { labels in
                    for start in stride(from: 0, to: order.count, by: batchSize) {
                        let batch = min(batchSize, order.count - start)
                        workspace.gather(
                            UnsafeBufferPointer(rebasing: order[start..<(start + batch)]),
                            from: features.baseAddress!, labels: labels.baseAddress!, width: width)
                        let input = UnsafePointer(workspace.input.pointer)
                        let logits = model.forward(input, batch: batch, parameters: parameters, workspace: workspace)
                        let result = loss.evaluate(
                            logits: logits, labels: workspace.labels, batch: batch, classes: classes,
                            gradient: logitGradient)
                        guard result.sum.isFinite else {
                            diverged = true
                            return
                        }
                        lossSum += result.sum
                        correct += result.correct
                        model.backward(
                            input, batch: batch, parameters: parameters, gradients: gradients, workspace: workspace)
                        optimizer.step(parameters: parameters, gradients: gradients, count: count)
                    }
                }
            }
        }
        if diverged { throw .diverged(epoch: epoch) }
        return (lossSum / Double(order.count), Double(correct) / Double(order.count))
    }

    /// Exact accuracy of the current weights on the subset.
    func subsetAccuracy() -> Double {
        var correct = 0
        let (model, workspace, loss) = (model, workspace, loss)
        let parameters = UnsafePointer(parameters.pointer)
        let (width, classes, capacity) = (data.dimension, data.classCount, workspace.capacity)
        subset.withUnsafeBufferPointer { subset in
            data.features.withUnsafeBufferPointer { features in
                data.labels.withUnsafeBufferPointer { labels in
                    for start in stride(from: 0, to: subset.count, by: capacity) {
                        let batch = min(capacity, subset.count - start)
                        workspace.gather(
                            UnsafeBufferPointer(rebasing: subset[start..<(start + batch)]),
                            from: features.baseAddress!, labels: labels.baseAddress!, width: width)
                        let logits = model.forward(
                            workspace.input.pointer, batch: batch, parameters: parameters, workspace: workspace)
                        correct += loss.evaluate(
                            logits: logits, labels: workspace.labels, batch: batch, classes: classes, gradient: nil
                        ).correct
                    }
                }
            }
        }
        return Double(correct) / Double(subset.count)
    }
}
