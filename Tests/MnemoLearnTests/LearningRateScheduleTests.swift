import Foundation
import MnemoLinalg
import Testing

@testable import MnemoLearn

@Suite struct LearningRateScheduleTests {
    @Test func multiStepMultipliesAfterEachMilestone() {
        let schedule = LearningRateSchedule.multiStep(milestones: [3, 5], factor: 0.2)
        let rates = (1...7).map { schedule.rate(epoch: $0, base: 0.1, totalEpochs: 7) }
        let expected = [0.1, 0.1, 0.1, 0.02, 0.02, 0.004, 0.004]
        for (rate, want) in zip(rates, expected) { #expect(abs(rate - want) < 1e-12) }
    }

    @Test func cosineStartsAtTheBaseAndAnnealsTowardsZero() {
        let rates = (1...4).map { LearningRateSchedule.cosine.rate(epoch: $0, base: 2, totalEpochs: 4) }
        #expect(rates[0] == 2)
        #expect(abs(rates[2] - 1) < 1e-12)
        #expect(abs(rates[1] - (1 + 0.5.squareRoot())) < 1e-12)
        #expect(rates[3] > 0 && rates[3] < rates[2])
    }

    @Test func constantNeverChanges() {
        #expect((1...5).allSatisfy { LearningRateSchedule.constant.rate(epoch: $0, base: 0.3, totalEpochs: 5) == 0.3 })
    }

    @Test func trainerUsesTheScheduledRatePerEpoch() throws {
        BLAS.setThreads(1)
        let data = SyntheticData.noise(count: 64, classes: 3, dimension: 6, seed: 8)
        var config = TrainingConfig(hiddenSizes: [8], learningRate: 0.1, batchSize: 16, maxEpochs: 4)
        let constant = try Trainer(config: config).train(seed: 3, data: data, subset: Array(0..<64))
        config.schedule = .multiStep(milestones: [2], factor: 0.2)
        let stepped = try Trainer(config: config).train(seed: 3, data: data, subset: Array(0..<64))
        #expect(stepped.report.history.map(\.learningRate) == [0.1, 0.1, 0.1 * 0.2, 0.1 * 0.2])
        #expect(stepped.report.history.prefix(2) == constant.report.history.prefix(2))
        #expect(stepped.report.history[2] != constant.report.history[2])
    }

    @Test func invalidMilestonesAreRejected() {
        var config = TrainingConfig(hiddenSizes: [], learningRate: 0.1, maxEpochs: 3)
        config.schedule = .multiStep(milestones: [5, 2], factor: 0.2)
        let error = #expect(throws: TrainingError.self) { try Trainer(config: config) }
        #expect(error?.description == "training.schedule.milestones: [5, 2] is not a strictly increasing list of epochs ≥ 1")
        config.schedule = .multiStep(milestones: [2], factor: 1.5)
        #expect(throws: TrainingError.self) { try Trainer(config: config) }
    }

    @Test func scheduleRoundTripsThroughJSON() throws {
        var config = TrainingConfig(hiddenSizes: [4], learningRate: 0.1, maxEpochs: 200)
        config.schedule = .papers
        let json = try JSONEncoder().encode(config)
        #expect(String(decoding: json, as: UTF8.self).contains("\"multi_step\""))
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: json) == config)
        let old = Data(#"{"hidden_sizes":[],"learning_rate":0.1,"momentum":0.9,"nesterov":true,"weight_decay":0,"batch_size":8,"max_epochs":2}"#.utf8)
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: old).schedule == .constant)
    }
}
