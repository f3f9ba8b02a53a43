import Foundation
import MnemoCore
import MnemoData
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

    @Test(arguments: ConvolutionSpec.Readout.allCases)
    func wholeNetworkGradientMatchesCentralDifferences(readout: ConvolutionSpec.Readout) {
        let model = Sequential.convolutional(
            ConvolutionSpec(inputShape: ImageShape(channels: 1, height: 6, width: 6), channels: [3, 4], readout: readout),
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

    @Test func flatteningFeedsEveryPooledValueToTheHead() throws {
        let spec = ConvolutionSpec(inputShape: Self.shape, channels: [6, 8], readout: .flatten)
        let model = Sequential.convolutional(spec, hiddenWidths: [], classCount: 4)
        // 8 × 8 → conv 6 → pool 4 × 4 → conv 8 → pool 2 × 2: the head reads 8 · 2 · 2 = 32 values.
        #expect(model.layers.last?.inputWidth == 32)
        #expect(model.parameterCount == (6 * 9 + 6) + (8 * 54 + 8) + (32 * 4 + 4))
        let averaged = Sequential.convolutional(
            ConvolutionSpec(inputShape: Self.shape, channels: [6, 8]), hiddenWidths: [], classCount: 4)
        #expect(averaged.layers.last?.inputWidth == 8)

        var config = config(maxEpochs: 25)
        config.convolution = spec
        let trained = try Trainer(config: config).train(seed: 1, data: images, subset: Array(0..<120))
        #expect(trained.evaluate(images.selecting(Array(120..<160))).accuracy > 0.8)
    }

    @Test func readoutRoundTripsAndOnlyFlattenIsWritten() throws {
        let flatten = ConvolutionSpec(inputShape: Self.shape, channels: [2], readout: .flatten)
        let encoded = String(decoding: try JSONEncoder().encode(flatten), as: UTF8.self)
        #expect(encoded.contains("\"readout\":\"flatten\""))
        #expect(try JSONDecoder().decode(ConvolutionSpec.self, from: Data(encoded.utf8)) == flatten)
        let plain = String(
            decoding: try JSONEncoder().encode(ConvolutionSpec(inputShape: Self.shape, channels: [2])), as: UTF8.self)
        #expect(!plain.contains("readout"))
        let bad = Data(#"{"input_shape": [1, 8, 8], "channels": [2], "readout": "sum"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ConvolutionSpec.self, from: bad) }
    }

    @Test func tooManyPoolsAreRejected() {
        var flattening = config(maxEpochs: 1)
        // Four pools (three between the convolutions, one for the readout) do not fit 8 × 8 images.
        flattening.convolution = ConvolutionSpec(inputShape: Self.shape, channels: [2, 2, 2, 2], readout: .flatten)
        #expect(throws: TrainingError.self) { try Trainer(config: flattening) }
        var config = config(maxEpochs: 1)
        config.convolution = ConvolutionSpec(inputShape: Self.shape, channels: [2, 2, 2, 2, 2])
        #expect(throws: TrainingError.self) { try Trainer(config: config) }
    }
}
