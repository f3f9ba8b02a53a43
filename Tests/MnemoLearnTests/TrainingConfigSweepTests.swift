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

    @Test(arguments: [
        (#"{"objective":{"kind":"sam"}}"#, "training.objective.rho: missing required field 'rho'"),
        (#"{"objective":{"kind":"adam"}}"#, "training.objective.kind: unknown objective \"adam\"; expected standard, sam, sharp_minima or sharp_reg"),
        (#"{"l2_penalty":"lots"}"#, "training.l2_penalty: Expected to decode Double but found a string instead."),
    ])
    func badEngineOptionsNameTheirField(options: String, message: String) {
        #expect {
            try TrainingConfig(model: model, training: training(options))
        } throws: { error in
            "\(error)" == message
        }
    }
}
