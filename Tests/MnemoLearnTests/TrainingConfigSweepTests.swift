import Foundation
import MnemoCore
import MnemoLearn
import Testing

@Suite struct TrainingConfigSweepTests {
    let model = ModelSpec(kind: "mlp", hidden: [16])

    func training(_ options: String) -> TrainingSpec {
        TrainingSpec(
            batchSize: 32, learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0, maxEpochs: 5,
            untilTrainAccuracy: 0.99, engineOptions: options)
    }

    @Test func coreFieldsAndEngineOptionsBothArrive() throws {
        let config = try TrainingConfig(
            model: model, training: training(#"{"objective":{"kind":"sam","rho":0.05},"l1_penalty":0.01}"#))
        #expect(config.hiddenSizes == [16])
        #expect(config.batchSize == 32)
        #expect(config.untilTrainAccuracy == 0.99)
        #expect(config.objective == .sam(rho: 0.05))
        #expect(config.l1Penalty == 0.01)
        #expect(try TrainingConfig(model: model, training: training("")).objective == .standard)
    }

    @Test func swaCycleArrivesFromTheSweepFile() throws {
        let config = try TrainingConfig(
            model: model,
            training: training(#"{"swa":{"start_epoch":2,"learning_rate":0.05,"min_learning_rate":0.01,"cycle":2}}"#))
        #expect(config.weightAveraging == WeightAveraging(startEpoch: 2, learningRate: 0.05, minLearningRate: 0.01, cycle: 2))
        let constant = try TrainingConfig(model: model, training: training(#"{"swa":{"start_epoch":4,"learning_rate":0.01}}"#))
        #expect(constant.weightAveraging?.cycle == 1)
    }

    @Test(arguments: [
        (#"{"objective":{"kind":"sam"}}"#, "training.objective.rho: missing required field 'rho'"),
        (#"{"objective":{"kind":"adam"}}"#, "training.objective.kind: unknown objective \"adam\"; expected standard, sam, sharp_minima or sharp_reg"),
        (#"{"l2_penalty":"lots"}"#, "training.l2_penalty: Expected to decode Double but found a string instead."),
        (#"{"swa":{"start_epoch":2,"cycle":"two"}}"#, "training.swa.cycle: Expected to decode Int but found a string instead."),
        (#"{"swa":{"start_epoch":2,"learning_rate":0.05,"cycle":5}}"#, "training.swa.cycle: 5 is outside 1...4, the epochs from start_epoch 2 to max_epochs 5"),
        (#"{"swa":{"start_epoch":2,"min_learning_rate":0.01}}"#, "training.swa.min_learning_rate: a cyclical rate needs swa.learning_rate, its upper end"),
        (#"{"swa":{"start_epoch":2,"learning_rate":0.05,"min_learning_rate":0.1}}"#, "training.swa.min_learning_rate: 0.1 is outside (0, 0.05], up to swa.learning_rate"),
    ])
    func badEngineOptionsNameTheirField(options: String, message: String) {
        #expect {
            try TrainingConfig(model: model, training: training(options))
        } throws: { error in
            "\(error)" == message
        }
    }
}
