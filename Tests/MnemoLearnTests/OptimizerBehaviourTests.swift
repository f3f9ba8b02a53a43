import Foundation
import MnemoData
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

    @Test func swaCyclicalRateFallsLinearlyFromTheUpperToTheLowerRateInEachCycle() {
        let averaging = WeightAveraging(startEpoch: 3, learningRate: 0.1, minLearningRate: 0.02, cycle: 2)
        let steps = 4
        #expect(averaging.rate(epoch: 2, step: 0, steps: steps) == nil)
        let cycle = (3...4).flatMap { epoch in (0..<steps).map { averaging.rate(epoch: epoch, step: $0, steps: steps)! } }
        for (index, rate) in cycle.enumerated() {
            let t = Double(index + 1) / Double(2 * steps)
            #expect(abs(rate - (0.1 - t * 0.08)) < 1e-12)
        }
        #expect(zip(cycle, cycle.dropFirst()).allSatisfy { $0 > $1 })
        #expect(abs(cycle.last! - 0.02) < 1e-12)
        let next = (5...6).flatMap { epoch in (0..<steps).map { averaging.rate(epoch: epoch, step: $0, steps: steps)! } }
        #expect(next == cycle)
        let constant = WeightAveraging(startEpoch: 3, learningRate: 0.1, cycle: 2)
        #expect((3...6).allSatisfy { epoch in (0..<steps).allSatisfy { constant.rate(epoch: epoch, step: $0, steps: steps) == 0.1 } })
        #expect(WeightAveraging(startEpoch: 3).rate(epoch: 4, step: 0, steps: steps) == nil)
    }

    @Test func swaSnapshotsOnlyAtTheEndOfEachCycle() throws {
        func model(epochs: Int) throws -> TrainedModel {
            var config = TrainingConfig(hiddenSizes: [8], learningRate: 0.05, batchSize: 16, maxEpochs: epochs)
            config.weightAveraging = WeightAveraging(startEpoch: 2, learningRate: 0.05, minLearningRate: 0.005, cycle: 3)
            return try Trainer(config: config).train(seed: 4, data: blobs, subset: Array(0..<100))
        }
        let (fourth, fifth, sixth, seventh) = (try model(epochs: 4), try model(epochs: 5), try model(epochs: 6), try model(epochs: 7))
        #expect([fourth, fifth, sixth].map(\.report.averagedSnapshots) == [1, 1, 1])
        #expect(fifth.parameters.map(\.bitPattern) == fourth.parameters.map(\.bitPattern))
        #expect(sixth.parameters.map(\.bitPattern) == fourth.parameters.map(\.bitPattern))
        #expect(seventh.report.averagedSnapshots == 2)
        #expect(seventh.parameters != fourth.parameters)
        let rates = seventh.report.history.map(\.learningRate)
        #expect(rates[0] == 0.05)
        #expect(rates[1] == rates[4] && rates[2] == rates[5] && rates[3] == rates[6])
        #expect(rates[1] < 0.05 && rates[1] > rates[2] && rates[2] > rates[3])
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
