import Foundation
import MnemoLinalg
import Testing

@testable import MnemoLearn

/// Each optimizer's defining behaviour on a small problem.
@Suite struct OptimizerBehaviourTests {
    init() {
        BLAS.setThreads(1)
    }

    let blobs = SyntheticData.blobs(count: 160, classes: 4, dimension: 8, spread: 1.2, seed: 3)

    @Test func samTrainingIsBitIdenticalForTheSameSeed() throws {
        var config = TrainingConfig(hiddenSizes: [16], learningRate: 0.05, batchSize: 16, maxEpochs: 3)
        config.objective = .sam(rho: 0.05)
        let trainer = try Trainer(config: config)
        let first = try trainer.train(seed: 7, data: blobs, subset: Array(0..<120))
        let second = try trainer.train(seed: 7, data: blobs, subset: Array(0..<120))
        #expect(first.parameters.map(\.bitPattern) == second.parameters.map(\.bitPattern))
        #expect(first.evaluate(blobs) == second.evaluate(blobs))
        config.objective = .standard
        let plain = try Trainer(config: config).train(seed: 7, data: blobs, subset: Array(0..<120))
        #expect(plain.parameters != first.parameters)
        #expect(first.report.subsetAccuracy > 0.9)
    }

    @Test func swaWeightsAreTheMeanOfTheEpochSnapshots() throws {
        func config(_ epochs: Int) -> TrainingConfig {
            TrainingConfig(hiddenSizes: [8], learningRate: 0.05, batchSize: 16, maxEpochs: epochs)
        }
        let subset = Array(0..<100)
        let snapshots = try (2...4).map { try Trainer(config: config($0)).train(seed: 4, data: blobs, subset: subset).parameters }
        var averaged = config(4)
        averaged.weightAveraging = WeightAveraging(startEpoch: 2)
        let model = try Trainer(config: averaged).train(seed: 4, data: blobs, subset: subset)
        #expect(model.report.averagedSnapshots == 3)
        for index in model.parameters.indices {
            let mean = snapshots.map { Double($0[index]) }.reduce(0, +) / 3
            #expect(abs(Double(model.parameters[index]) - mean) <= 1e-6 * max(1, abs(mean)))
        }
        #expect(model.parameters != snapshots[2])
        #expect(model.evaluate(blobs.selecting(subset)).accuracy == model.report.subsetAccuracy)
    }

    @Test func swaLearningRateTakesOverAtTheStartEpoch() throws {
        var config = TrainingConfig(hiddenSizes: [], learningRate: 0.1, batchSize: 32, maxEpochs: 4)
        config.schedule = .cosine
        config.weightAveraging = WeightAveraging(startEpoch: 3, learningRate: 0.02)
        let model = try Trainer(config: config).train(seed: 1, data: blobs, subset: Array(0..<64))
        #expect(model.report.history.map(\.learningRate).suffix(2) == [0.02, 0.02])
        #expect(model.report.history[1].learningRate < 0.1)
    }

    @Test func sharpRegWithTooLargeXiIsReportedAsDiverged() throws {
        var config = TrainingConfig(hiddenSizes: [16], learningRate: 0.1, batchSize: 16, maxEpochs: 30)
        config.objective = .sharpReg(rho: 0.01, lambda: 1.5, xi: 3)
        let error = #expect(throws: TrainingError.self) {
            try Trainer(config: config).train(seed: 2, data: blobs, subset: Array(0..<120))
        }
        #expect(error?.isDivergence == true)
        #expect(error?.description.hasPrefix("diverged at epoch ") == true)
        config.objective = .sharpReg(rho: 0.01, lambda: 1.5, xi: 0.3)
        config.maxEpochs = 10
        let model = try Trainer(config: config).train(seed: 2, data: blobs, subset: Array(0..<120))
        #expect(model.report.subsetAccuracy > 0.9)
    }

    @Test func l1PenaltyShrinksTheWeights() throws {
        var config = TrainingConfig(hiddenSizes: [], learningRate: 0.05, batchSize: 16, maxEpochs: 5)
        let plain = try Trainer(config: config).train(seed: 3, data: blobs, subset: Array(0..<120))
        config.l1Penalty = 0.05
        let sparse = try Trainer(config: config).train(seed: 3, data: blobs, subset: Array(0..<120))
        func l1(_ values: [Float]) -> Float { values.map(abs).reduce(0, +) }
        #expect(l1(sparse.parameters) < 0.8 * l1(plain.parameters))
    }
}
