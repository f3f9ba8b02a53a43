import Foundation
import MnemoCore
import MnemoLinalg
import Testing

@testable import MnemoLearn

/// PAST: the sensitivities, their per-layer normalisation and the effect on the loss gap.
@Suite struct SparsityTuningTests {
    init() {
        BLAS.setThreads(1)
    }

    let data = SyntheticData.noise(count: 300, classes: 3, dimension: 10, seed: 12)

    func config(lambda: Double, tuningEpochs: Int = 3) -> TrainingConfig {
        var config = TrainingConfig(hiddenSizes: [32], learningRate: 0.1, batchSize: 16, maxEpochs: 40)
        config.sparsityTuning = SparsityTuning(alpha: 2, lambda: lambda, epochs: tuningEpochs, sampleSize: 150)
        return config
    }

    /// Mean loss on members minus mean loss on non-members, from the model's true-class probabilities.
    func lossGap(_ model: TrainedModel, members: [Int], others: [Int]) -> Double {
        let evaluation = model.evaluate(data)
        func meanLoss(_ indices: [Int]) -> Double {
            indices.map { -Foundation.log(Double(evaluation.probabilities[$0])) }.reduce(0, +) / Double(indices.count)
        }
        return abs(meanLoss(members) - meanLoss(others))
    }

    @Test func pastShrinksTheLossGapMoreThanPlainFineTuning() throws {
        let members = Array(0..<150)
        let others = Array(150..<300)
        let plain = try Trainer(config: config(lambda: 0)).train(seed: 3, data: data, subset: members)
        let tuned = try Trainer(config: config(lambda: 3e-3)).train(seed: 3, data: data, subset: members)
        let plainGap = lossGap(plain, members: members, others: others)
        let tunedGap = lossGap(tuned, members: members, others: others)
        #expect(plainGap > 0.5)
        #expect(tunedGap < 0.7 * plainGap)
        let gaps = tuned.report.history.compactMap(\.lossGap)
        #expect(gaps.count == 3)
        #expect(tuned.report.epochs == 43)
        #expect(abs(gaps[0] - (plain.report.history.compactMap(\.lossGap).first ?? 0)) < 1e-9)
    }

    @Test func sensitivitiesAreNormalisedPerLayer() throws {
        let settings = SparsityTuning(alpha: 1, lambda: 1, epochs: 1, sampleSize: 1000)
        var config = config(lambda: 1)
        config.sparsityTuning = settings
        let trained = Array(0..<150)
        let run = TrainingRun(config: config, seed: 1, data: data, trained: trained)
        _ = try run.epoch(1, learningRate: 0.1)
        let gap = run.updateSparsityWeights(settings, nonMembers: Array(150..<300), epoch: 2)
        let weights = run.penalty.adaptive.array
        var biasShares: [Double] = []
        for (layer, offset) in zip(run.model.layers, run.model.parameterOffsets) {
            let sum = weights[offset..<(offset + layer.parameterCount)].map(Double.init).reduce(0, +)
            #expect(abs(sum - Double(layer.parameterCount)) < 1e-3 * Double(layer.parameterCount))
            let biases = weights[(offset + layer.weightCount)..<(offset + layer.parameterCount)].map(Double.init)
            biasShares.append(biases.reduce(0, +) / Double(biases.count))
        }
        // One module's weights and biases share a normaliser (the paper's module, e.g. a linear
        // layer), not one per tensor: the biases' mean γ is not forced to 1.
        #expect(biasShares.contains { abs($0 - 1) > 0.05 })
        #expect(Set(weights).count > 10)
        #expect(gap > 0)
    }

    @Test func meanGradientMatchesCentralDifferencesAcrossChunks() {
        var config = config(lambda: 1)
        config.hiddenSizes = []
        let run = TrainingRun(config: config, seed: 2, data: data, trained: Array(0..<300))
        let indices = Array(0..<300)
        let gradient = FloatBuffer(count: run.model.parameterCount)
        _ = run.meanGradient(of: indices, into: gradient.pointer)
        let analytic = gradient.array
        let original = run.parameters.array
        let unused = FloatBuffer(count: original.count)
        func meanLoss(_ parameters: [Float]) -> Double {
            run.parameters.pointer.update(from: parameters, count: parameters.count)
            return run.meanGradient(of: indices, into: unused.pointer)
        }
        let check = centralDifferenceError(parameters: original, analytic: analytic, step: 1e-2, loss: meanLoss)
        #expect(check.numericNorm > 0)
        #expect(check.relativeError < 1e-3)
    }

    @Test func theL2NormWeighsSquaresAndTheL1NormSigns() {
        let penalty = Penalty(l1: 0, l2: 0, parameterCount: 3, adaptive: true)
        penalty.adaptive.pointer.update(from: [0.5, 0.5, 2], count: 3)
        penalty.adaptiveActive = true
        let w: [Float] = [1, -2, 0]
        var l1 = [Float](repeating: 0, count: 3)
        penalty.addGradient(parameters: w, gradients: &l1, count: 3)
        #expect(l1 == [0.5, -0.5, 0])
        penalty.adaptiveSquared = true
        var l2 = [Float](repeating: 0, count: 3)
        penalty.addGradient(parameters: w, gradients: &l2, count: 3)
        #expect(l2 == [1, -2, 0])
    }

    @Test func plainL2TuningShrinksTheWeightsAndOnlyL2IsWrittenOut() throws {
        let members = Array(0..<150)
        func tuned(_ settings: SparsityTuning) throws -> [Float] {
            var config = config(lambda: 0)
            config.sparsityTuning = settings
            return try Trainer(config: config).train(seed: 3, data: data, subset: members).parameters
        }
        let squares = { (parameters: [Float]) in parameters.reduce(0.0) { $0 + Double($1 * $1) } }
        let plain = try tuned(SparsityTuning(alpha: 0, lambda: 0, epochs: 3, sampleSize: 150))
        let l2 = try tuned(SparsityTuning(alpha: 0, lambda: 3e-2, epochs: 3, sampleSize: 150, norm: .l2))
        #expect(squares(l2) < 0.9 * squares(plain), "\(squares(l2)) against \(squares(plain))")

        let encoded = { (settings: SparsityTuning) in String(decoding: try JSONEncoder().encode(settings), as: UTF8.self) }
        #expect(!(try encoded(SparsityTuning(alpha: 2, lambda: 1e-5, epochs: 5))).contains("norm"))
        let withL2 = SparsityTuning(alpha: 0, lambda: 1e-3, epochs: 5, norm: .l2)
        #expect(try encoded(withL2).contains("\"norm\":\"l2\""))
        #expect(try JSONDecoder().decode(SparsityTuning.self, from: Data(try encoded(withL2).utf8)) == withL2)
    }

    @Test func pastNeedsNonMembers() throws {
        let trainer = try Trainer(config: config(lambda: 1e-3))
        let error = #expect(throws: TrainingError.self) {
            try trainer.train(seed: 1, data: data, subset: Array(0..<300))
        }
        #expect(error?.description == "training.past: PAST needs non-members, but every example of the data is trained on")
    }
}
