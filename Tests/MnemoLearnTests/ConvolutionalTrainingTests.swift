import Foundation
import MnemoCore
import MnemoLinalg
import Testing

@testable import MnemoLearn

@Suite struct ConvolutionalTrainingTests {
    init() {
        BLAS.setThreads(1)
    }

    static let shape = ImageShape(channels: 1, height: 8, width: 8)
    let images = SyntheticData.strokes(count: 160, shape: shape, seed: 6)

    func config(maxEpochs: Int) -> TrainingConfig {
        var config = TrainingConfig(hiddenSizes: [], learningRate: 0.05, batchSize: 16, maxEpochs: maxEpochs)
        config.convolution = ConvolutionSpec(inputShape: Self.shape, channels: [6, 8])
        config.initialization = .kaimingNormal
        return config
    }

    @Test func smallCNNLearnsTheStrokeForms() throws {
        let model = try Trainer(config: config(maxEpochs: 25)).train(seed: 1, data: images, subset: Array(0..<120))
        #expect(model.report.subsetAccuracy > 0.9)
        let test = model.evaluate(images.selecting(Array(120..<160)))
        #expect(test.accuracy > 0.8)
    }

    @Test func trainingIsBitIdenticalForTheSameSeed() throws {
        let trainer = try Trainer(config: config(maxEpochs: 2))
        let first = try trainer.train(seed: 5, data: images, subset: Array(0..<100))
        let second = try trainer.train(seed: 5, data: images, subset: Array(0..<100))
        #expect(first.parameters.map(\.bitPattern) == second.parameters.map(\.bitPattern))
        #expect(first.evaluate(images) == second.evaluate(images))
        let other = try trainer.train(seed: 6, data: images, subset: Array(0..<100))
        #expect(other.parameters != first.parameters)
    }

    @Test func wholeNetworkGradientMatchesCentralDifferences() {
        let model = Sequential.convolutional(
            ConvolutionSpec(inputShape: ImageShape(channels: 1, height: 6, width: 6), channels: [3, 4]),
            hiddenWidths: [5], classCount: 3)
        let data = SyntheticData.noise(count: 4, classes: 3, dimension: 36, seed: 2)
        var rng = CounterRNG(key: 9, stream: 1)
        let parameters = model.initialParameters(rng: &rng, scheme: .glorotUniform)
        let workspace = Workspace(model: model, capacity: 4, training: true)
        let gradients = FloatBuffer(count: model.parameterCount)
        func loss(_ parameters: [Float], gradient: Bool) -> Double {
            let logits = model.forward(data.features, batch: 4, parameters: parameters, workspace: workspace)
            let result = SoftmaxCrossEntropy().evaluate(
                logits: logits, labels: data.labels, batch: 4, classes: 3,
                gradient: workspace.gradients[workspace.gradients.count - 1].pointer)
            if gradient {
                model.backward(
                    data.features, batch: 4, parameters: parameters, gradients: gradients.pointer, workspace: workspace)
            }
            return result.sum / 4
        }
        _ = loss(parameters, gradient: true)
        let check = centralDifferenceError(parameters: parameters, analytic: gradients.array) {
            loss($0, gradient: false)
        }
        #expect(check.numericNorm > 0)
        #expect(check.relativeError < 1e-2)
    }

    @Test func inputShapeMustMatchTheData() throws {
        let trainer = try Trainer(config: config(maxEpochs: 1))
        let flat = SyntheticData.noise(count: 10, classes: 4, dimension: 50, seed: 1)
        let error = #expect(throws: TrainingError.self) { try trainer.train(seed: 1, data: flat, subset: [0, 1]) }
        #expect(error?.description == "training.convolution.input_shape: 1×8×8 images have 64 values, the data's examples 50")
    }

    @Test func tooManyPoolsAreRejected() {
        var config = config(maxEpochs: 1)
        config.convolution = ConvolutionSpec(inputShape: Self.shape, channels: [2, 2, 2, 2, 2])
        #expect(throws: TrainingError.self) { try Trainer(config: config) }
    }
}
