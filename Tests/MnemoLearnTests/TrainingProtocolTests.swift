import Foundation
import MnemoCore
import MnemoData
import MnemoLinalg
import Testing

@testable import MnemoLearn

/// Validation split, best-checkpoint selection, early stopping, augmentation and the evaluation's scores.
@Suite struct TrainingProtocolTests {
    init() {
        BLAS.setThreads(1)
    }

    /// Blobs with a fifth of the labels scrambled, so that later epochs overfit.
    let noisy: LabeledData = {
        let blobs = SyntheticData.blobs(count: 200, classes: 4, dimension: 8, spread: 2, seed: 5)
        return blobs.relabeled(blobs.labels.enumerated().map { $0.offset % 5 == 0 ? ($0.element + 1) % 4 : $0.element })
    }()

    @Test func bestValidationCheckpointIsReturned() throws {
        var config = TrainingConfig(hiddenSizes: [64], learningRate: 0.1, batchSize: 16, maxEpochs: 12)
        config.validation = ValidationSplit(fraction: 0.25)
        let subset = Array(0..<160)
        let model = try Trainer(config: config).train(seed: 2, data: noisy, subset: subset)
        let report = model.report
        #expect(report.validationIndices.count == 40)
        #expect(Set(report.validationIndices).isSubset(of: Set(subset)))
        let accuracies = report.history.compactMap(\.validationAccuracy)
        #expect(accuracies.count == 12)
        let best = try #require(accuracies.max())
        #expect(report.validationAccuracy == best)
        #expect(report.selectedEpoch == (accuracies.firstIndex(of: best) ?? -1) + 1)
        #expect(model.evaluate(noisy.selecting(report.validationIndices)).accuracy == best)
        let trained = subset.filter { !report.validationIndices.contains($0) }
        #expect(model.evaluate(noisy.selecting(trained)).accuracy == report.subsetAccuracy)
        #expect(!report.stoppedEarly)
    }

    @Test func validationExamplesAreNotTrainedOn() throws {
        var config = TrainingConfig(hiddenSizes: [8], learningRate: 0.1, batchSize: 16, maxEpochs: 2)
        config.validation = ValidationSplit(fraction: 0.2)
        let subset = Array(0..<100)
        let first = try Trainer(config: config).train(seed: 4, data: noisy, subset: subset)
        let held = Set(first.report.validationIndices)
        let scrambled = noisy.relabeled(noisy.labels.enumerated().map { held.contains($0.offset) ? ($0.element + 2) % 4 : $0.element })
        let second = try Trainer(config: config).train(seed: 4, data: scrambled, subset: subset)
        #expect(second.report.validationIndices == first.report.validationIndices)
        let firstTrajectory = first.report.history.map(\.meanLoss)
        #expect(second.report.history.map(\.meanLoss) == firstTrajectory)
    }

    @Test func earlyStoppingWaitsPatienceEpochsAfterTheBest() throws {
        var config = TrainingConfig(hiddenSizes: [64], learningRate: 0.2, batchSize: 8, maxEpochs: 60)
        config.validation = ValidationSplit(fraction: 0.25, patience: 3)
        let model = try Trainer(config: config).train(seed: 3, data: noisy, subset: Array(0..<120))
        let report = model.report
        #expect(report.stoppedEarly)
        #expect(report.epochs == report.selectedEpoch + 3)
        let accuracies = report.history.compactMap(\.validationAccuracy)
        #expect(accuracies.suffix(3).allSatisfy { $0 <= accuracies[report.selectedEpoch - 1] })
    }

    @Test func augmentationShiftsAndMirrorsEachImage() {
        let shape = ImageShape(channels: 2, height: 5, width: 6)
        let images: [Float] = (0..<(3 * shape.count)).map { Float($0 + 1) }
        var batch = images
        let augmenter = ImageAugmenter(shape: shape, settings: ImageAugmentation(padding: 2, flip: true))
        var rng = CounterRNG(key: 1, stream: 2)
        var draws = rng
        augmenter.apply(to: &batch, count: 3, rng: &rng)
        for index in 0..<3 {
            let dy = draws.nextIndex(below: 5) - 2
            let dx = draws.nextIndex(below: 5) - 2
            let mirrored = draws.next() & 1 == 1
            for channel in 0..<2 {
                for y in 0..<5 {
                    for x in 0..<6 {
                        let (sy, sx) = (y + dy, (mirrored ? 5 - x : x) + dx)
                        let inside = sy >= 0 && sy < 5 && sx >= 0 && sx < 6
                        let expected = inside ? images[index * shape.count + (channel * 5 + sy) * 6 + sx] : 0
                        #expect(batch[index * shape.count + (channel * 5 + y) * 6 + x] == expected)
                    }
                }
            }
        }
        #expect(rng.counter == draws.counter)
        #expect(batch != images)
    }

    @Test func augmentedCNNTrainingIsDeterministicAndDiffersFromPlain() throws {
        let shape = ImageShape(channels: 1, height: 8, width: 8)
        let images = SyntheticData.strokes(count: 64, shape: shape, seed: 2)
        var config = TrainingConfig(hiddenSizes: [], learningRate: 0.05, batchSize: 16, maxEpochs: 2)
        config.convolution = ConvolutionSpec(inputShape: shape, channels: [4, 4])
        let plain = try Trainer(config: config).train(seed: 1, data: images, subset: Array(0..<64))
        config.augmentation = ImageAugmentation(padding: 1)
        let first = try Trainer(config: config).train(seed: 1, data: images, subset: Array(0..<64))
        let second = try Trainer(config: config).train(seed: 1, data: images, subset: Array(0..<64))
        #expect(first.parameters.map(\.bitPattern) == second.parameters.map(\.bitPattern))
        #expect(first.parameters != plain.parameters)
    }

    @Test func augmentationNeedsAnImageShape() {
        var config = TrainingConfig(hiddenSizes: [], learningRate: 0.1, maxEpochs: 1)
        config.augmentation = ImageAugmentation()
        let error = #expect(throws: TrainingError.self) { try Trainer(config: config) }
        #expect(error?.description == "training.augmentation: image augmentation needs the image shape of a convolution section")
    }

    @Test func twoClassProbabilityIsTheSigmoidOfTheMargin() throws {
        let data = SyntheticData.blobs(count: 60, classes: 2, dimension: 4, spread: 2, seed: 1)
        let model = try Trainer(config: TrainingConfig(hiddenSizes: [6], learningRate: 0.1, batchSize: 8, maxEpochs: 3))
            .train(seed: 1, data: data, subset: Array(0..<40))
        let evaluation = model.evaluate(data)
        for index in 0..<data.count {
            let sigmoid = 1 / (1 + Foundation.exp(-Double(evaluation.margins[index])))
            #expect(abs(Double(evaluation.probabilities[index]) - sigmoid) < 1e-5)
            #expect(evaluation.correct[index] == (evaluation.margins[index] > 0))
        }
        #expect(Set(evaluation.correct).count == 2)
    }
}

/// A separate validation set (a sweep's `validation_size` examples) instead of a split of the subset.
extension TrainingProtocolTests {
    @Test func aGivenValidationSetSelectsTheCheckpointAndTheWholeSubsetIsTrained() throws {
        let config = TrainingConfig(hiddenSizes: [64], learningRate: 0.1, batchSize: 16, maxEpochs: 12)
        let subset = Array(0..<160)
        let validationSet = noisy.selecting(Array(160..<200))
        let model = try Trainer(config: config).train(seed: 2, data: noisy, subset: subset, validation: validationSet)
        let plain = try Trainer(config: config).train(seed: 2, data: noisy, subset: subset)
        let report = model.report
        #expect(report.validationIndices.isEmpty)
        // Training itself is that of the plain run: every subset example, in the same batches.
        #expect(report.history.map(\.meanLoss) == plain.report.history.map(\.meanLoss))
        let accuracies = report.history.compactMap(\.validationAccuracy)
        #expect(accuracies.count == 12)
        let best = try #require(accuracies.max())
        #expect(report.validationAccuracy == best)
        #expect(report.selectedEpoch == (accuracies.firstIndex(of: best) ?? -1) + 1)
        #expect(model.evaluate(validationSet).accuracy == best)
        #expect(model.evaluate(noisy.selecting(subset)).accuracy == report.subsetAccuracy)
    }

    @Test func patienceAloneStopsOnTheGivenValidationSet() throws {
        var config = TrainingConfig(hiddenSizes: [64], learningRate: 0.2, batchSize: 8, maxEpochs: 60)
        config.validation = ValidationSplit(fraction: nil, patience: 3)
        let validationSet = noisy.selecting(Array(120..<200))
        let model = try Trainer(config: config).train(
            seed: 3, data: noisy, subset: Array(0..<120), validation: validationSet)
        let report = model.report
        #expect(report.stoppedEarly)
        #expect(report.epochs == report.selectedEpoch + 3)
        #expect(model.evaluate(validationSet).accuracy == report.validationAccuracy)
    }

    @Test func validationExamplesComeFromExactlyOnePlace() throws {
        var config = TrainingConfig(hiddenSizes: [8], learningRate: 0.1, batchSize: 16, maxEpochs: 1)
        config.validation = ValidationSplit(fraction: 0.2)
        let both = #expect(throws: TrainingError.self) {
            try Trainer(config: config).train(
                seed: 1, data: noisy, subset: Array(0..<100), validation: noisy.selecting(Array(100..<120)))
        }
        #expect(both?.description == "training.validation.fraction: a validation set is given; a split of the subset would be a second one")
        config.validation = ValidationSplit(fraction: nil, patience: 2)
        let neither = #expect(throws: TrainingError.self) {
            try Trainer(config: config).train(seed: 1, data: noisy, subset: Array(0..<100))
        }
        #expect(neither?.description == "training.validation: without a fraction, validation examples must be given (dataset.validation_size in a sweep)")
    }
}
