import Foundation
import MnemoData
import MnemoLinalg
import Testing

@testable import MnemoLearn

@Suite struct TrainerTests {
    init() {
        BLAS.setThreads(1)
    }

    let blobs = SyntheticData.blobs(count: 240, classes: 4, dimension: 8, spread: 1.2, seed: 3)

    @Test(arguments: [[], [16]])
    func separableProblemStopsEarlyAtFullAccuracy(hidden: [Int]) throws {
        let trainer = try Trainer(
            config: TrainingConfig(
                hiddenSizes: hidden, learningRate: 0.01, batchSize: 16, maxEpochs: 100, untilTrainAccuracy: 1))
        let subset = Array(0..<120)
        let model = try trainer.train(seed: 1, data: blobs, subset: subset)
        let report = model.report
        #expect(report.reachedTarget)
        #expect(report.epochs < 100)
        #expect(report.subsetAccuracy == 1)
        #expect(report.history.count == report.epochs)
        #expect(report.history.last?.subsetAccuracy == 1)
        #expect(report.history.dropLast().allSatisfy { ($0.subsetAccuracy ?? 0) < 1 })
        let evaluation = model.evaluate(blobs)
        #expect(subset.allSatisfy { evaluation.correct[$0] })
        #expect(subset.allSatisfy { evaluation.margins[$0] > 0 })
        #expect(evaluation.accuracy > 0.95)
    }

    @Test func withoutTargetRunsEveryEpoch() throws {
        let trainer = try Trainer(config: TrainingConfig(hiddenSizes: [8], learningRate: 0.05, batchSize: 32, maxEpochs: 4))
        let model = try trainer.train(seed: 2, data: blobs, subset: Array(0..<100))
        #expect(model.report.epochs == 4)
        #expect(!model.report.reachedTarget)
        #expect(model.report.history.allSatisfy { $0.subsetAccuracy == nil })
        let evaluation = model.evaluate(blobs.selecting(Array(0..<100)))
        #expect(evaluation.accuracy == model.report.subsetAccuracy)
    }

    @Test func trainingIsBitIdenticalForTheSameSeed() throws {
        let data = SyntheticData.noise(count: 300, classes: 5, dimension: 20, seed: 4)
        let trainer = try Trainer(
            config: TrainingConfig(
                hiddenSizes: [32, 16], learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4,
                batchSize: 16, maxEpochs: 3))
        let subset = Array(stride(from: 0, to: 300, by: 3)) + [1, 2, 4]
        let first = try trainer.train(seed: 42, data: data, subset: subset)
        let second = try trainer.train(seed: 42, data: data, subset: subset)
        #expect(first.parameters.map(\.bitPattern) == second.parameters.map(\.bitPattern))
        #expect(first.evaluate(data) == second.evaluate(data))
        #expect(first.report.history == second.report.history)
        let other = try trainer.train(seed: 43, data: data, subset: subset)
        #expect(other.parameters != first.parameters)
    }

    @Test func examplesOutsideTheSubsetDoNotMatter() throws {
        let data = SyntheticData.noise(count: 120, classes: 3, dimension: 10, seed: 5)
        let subset = Array(0..<60)
        var features = data.features
        for index in (60 * 10)..<features.count { features[index] = 1 - features[index] }
        let changed = LabeledData(
            features: features, labels: data.labels.enumerated().map { $0.offset < 60 ? $0.element : 0 },
            dimension: 10, classCount: 3)
        let trainer = try Trainer(config: TrainingConfig(hiddenSizes: [12], learningRate: 0.1, batchSize: 8, maxEpochs: 2))
        let original = try trainer.train(seed: 9, data: data, subset: subset)
        let modified = try trainer.train(seed: 9, data: changed, subset: subset)
        #expect(original.parameters == modified.parameters)
    }

    @Test func hugeLearningRateDiverges() throws {
        let trainer = try Trainer(config: TrainingConfig(hiddenSizes: [], learningRate: 1e37, batchSize: 16, maxEpochs: 5))
        let error = #expect(throws: TrainingError.self) {
            try trainer.train(seed: 1, data: blobs, subset: Array(0..<240))
        }
        #expect(error?.isDivergence == true)
        #expect(error?.description.hasPrefix("diverged at epoch ") == true)
    }

    @Test func cancelledTaskStopsBeforeTheFirstEpoch() async throws {
        let trainer = try Trainer(config: TrainingConfig(hiddenSizes: [4], learningRate: 0.1, maxEpochs: 5))
        let data = blobs
        let task = Task { () throws(TrainingError) -> TrainedModel in
            withUnsafeCurrentTask { $0?.cancel() }
            return try trainer.train(seed: 1, data: data, subset: [0, 1, 2])
        }
        let result = await task.result
        #expect(throws: TrainingError.cancelled(epoch: 1)) { try result.get() }
    }

    @Test func invalidSubsetsAreRejected() throws {
        let trainer = try Trainer(config: TrainingConfig(hiddenSizes: [], learningRate: 0.1, maxEpochs: 1))
        #expect(throws: TrainingError.invalidSubset(problem: "no examples to train on")) {
            try trainer.train(seed: 1, data: blobs, subset: [])
        }
        #expect(throws: TrainingError.invalidSubset(problem: "example 240 is outside 0..<240")) {
            try trainer.train(seed: 1, data: blobs, subset: [3, 240])
        }
    }

    struct InvalidConfig: CustomTestStringConvertible, Sendable {
        var config: TrainingConfig
        var message: String
        var testDescription: String { message }
    }

    @Test(arguments: [
        InvalidConfig(
            config: TrainingConfig(hiddenSizes: [64, 0], learningRate: 0.1, maxEpochs: 1),
            message: "training.hidden_sizes: width 0 is not a positive integer"),
        InvalidConfig(
            config: TrainingConfig(hiddenSizes: [], learningRate: -1, maxEpochs: 1),
            message: "training.learning_rate: -1.0 is not a positive number"),
        InvalidConfig(
            config: TrainingConfig(hiddenSizes: [], learningRate: 0.1, momentum: 0, nesterov: true, maxEpochs: 1),
            message: "training.nesterov: Nesterov momentum needs momentum > 0"),
        InvalidConfig(
            config: TrainingConfig(hiddenSizes: [], learningRate: 0.1, batchSize: 0, maxEpochs: 1),
            message: "training.batch_size: 0 is not a positive integer"),
        InvalidConfig(
            config: TrainingConfig(hiddenSizes: [], learningRate: 0.1, maxEpochs: 0),
            message: "training.max_epochs: 0 is not a positive integer"),
        InvalidConfig(
            config: TrainingConfig(hiddenSizes: [], learningRate: 0.1, maxEpochs: 1, untilTrainAccuracy: 1.5),
            message: "training.until_train_accuracy: 1.5 is outside (0, 1]"),
    ])
    func invalidConfigurationsNameTheField(_ invalid: InvalidConfig) {
        let error = #expect(throws: TrainingError.self) { try Trainer(config: invalid.config) }
        #expect(error?.description == invalid.message)
    }

    @Test func configUsesSnakeCaseKeys() throws {
        let config = TrainingConfig(
            hiddenSizes: [512], learningRate: 0.1, weightDecay: 5e-4, maxEpochs: 80, untilTrainAccuracy: 0.995)
        let json = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        for key in ["hidden_sizes", "learning_rate", "weight_decay", "batch_size", "max_epochs", "until_train_accuracy"] {
            #expect(json.contains("\"\(key)\""))
        }
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: Data(json.utf8)) == config)
    }
}
