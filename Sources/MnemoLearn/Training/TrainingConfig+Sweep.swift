import MnemoCore

extension TrainingConfig {
    /// The engine configuration of a sweep trial's model and training sections.
    public init(model: ModelSpec, training: TrainingSpec) {
        self.init(
            hiddenSizes: model.hidden, learningRate: training.learningRate, momentum: training.momentum,
            nesterov: training.nesterov, weightDecay: training.weightDecay, batchSize: training.batchSize,
            maxEpochs: training.maxEpochs, untilTrainAccuracy: training.untilTrainAccuracy)
    }
}
