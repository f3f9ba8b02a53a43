import Foundation
import MnemoCore
import MnemoData
import MnemoLinalg
import Testing

@testable import MnemoLearn

/// The sharpness-aware objectives and the penalties: finite-difference checks with the perturbation
/// ε held fixed (first-order SAM drops ∂ε/∂w), and SAM's defining property.
@Suite struct ObjectiveTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var objective: Objective
        var l1: Float = 0
        var l2: Float = 0
        var adaptive = false
        var testDescription: String { "\(objective) l1=\(l1) l2=\(l2) adaptive=\(adaptive)" }
    }

    static let cases = [
        Case(objective: .standard, l1: 0.01, l2: 0.02),
        Case(objective: .standard, l1: 0.005, adaptive: true),
        Case(objective: .sam(rho: 0.05)),
        Case(objective: .sharpMinima(rho: 0.05, lambda: 1.5)),
        Case(objective: .sharpReg(rho: 0.05, lambda: 1.5, xi: 0.3), l2: 0.01),
    ]

    let batch = 7
    let data = SyntheticData.noise(count: 7, classes: 3, dimension: 6, seed: 21)
    let model = Sequential.multilayerPerceptron(inputWidth: 6, hiddenWidths: [5], classCount: 3)

    func initialParameters() -> [Float] {
        var rng = CounterRNG(key: 5, stream: 1)
        return model.initialParameters(rng: &rng)
    }

    func workspace() -> Workspace {
        let workspace = Workspace(model: model, capacity: batch, training: true)
        data.features.withUnsafeBufferPointer { features in
            data.labels.withUnsafeBufferPointer { labels in
                let indices = Array(0..<batch)
                indices.withUnsafeBufferPointer {
                    workspace.gather($0, from: features.baseAddress!, labels: labels.baseAddress!, width: 6)
                }
            }
        }
        return workspace
    }

    /// The mean batch loss at `parameters`.
    func loss(_ parameters: [Float], _ workspace: Workspace) -> Double {
        let logits = model.forward(workspace.input.pointer, batch: batch, parameters: parameters, workspace: workspace)
        return SoftmaxCrossEntropy().evaluate(
            logits: logits, labels: workspace.labels, batch: batch, classes: 3, gradient: nil
        ).sum / Double(batch)
    }

    @Test(arguments: cases)
    func stepDirectionIsTheGradientWithEpsilonHeldFixed(_ testCase: Case) {
        let workspace = workspace()
        let parameters = initialParameters()
        let count = parameters.count
        let objective = ObjectiveGradient(model: model, objective: testCase.objective)
        let penalty = Penalty(l1: testCase.l1, l2: testCase.l2, parameterCount: count, adaptive: testCase.adaptive)
        if testCase.adaptive {
            for index in 0..<count { penalty.adaptive.pointer[index] = Float(index % 5) * 0.01 }
            penalty.adaptiveActive = true
        }
        let gradients = FloatBuffer(count: count)
        let result = parameters.withUnsafeBufferPointer { w in
            objective.compute(
                batch: batch, classes: 3, workspace: workspace, parameters: w.baseAddress!, gradients: gradients.pointer)
        }
        #expect(abs(result.sum / Double(batch) - loss(parameters, workspace)) < 1e-6)
        penalty.addGradient(parameters: parameters, gradients: gradients.pointer, count: count)
        let analytic = gradients.array
        let epsilon = zip(objective.perturbed.array, parameters).map { Double($0) - Double($1) }
        let (a, b) = testCase.objective.coefficients
        let reference = GradientCheckTests()
        let adaptive = penalty.adaptive.array.map(Double.init)
        /// The objective in Double, from the loop-by-loop reference MLP, with ε fixed.
        func objectiveValue(_ w: [Double]) -> Double {
            var value = Double(a) * reference.referenceLoss([5], w)
            if testCase.objective.rho != nil {
                value += Double(b) * reference.referenceLoss([5], zip(w, epsilon).map { $0 + $1 })
            }
            for (index, weight) in w.enumerated() {
                let l1 = Double(testCase.l1) + (testCase.adaptive ? adaptive[index] : 0)
                value += l1 * abs(weight) + Double(testCase.l2) * weight * weight
            }
            return value
        }
        let w = parameters.map(Double.init)
        let step = 1e-6
        var difference = 0.0
        var norm = 0.0
        for index in 0..<count {
            var plus = w
            plus[index] += step
            var minus = w
            minus[index] -= step
            let numeric = (objectiveValue(plus) - objectiveValue(minus)) / (2 * step)
            difference += (Double(analytic[index]) - numeric) * (Double(analytic[index]) - numeric)
            norm += numeric * numeric
        }
        #expect(norm > 0)
        #expect((difference / norm).squareRoot() < 1e-4)
    }

    @Test func samPerturbationHasNormRhoAlongTheGradient() {
        let workspace = workspace()
        let parameters = initialParameters()
        let plain = ObjectiveGradient(model: model, objective: .standard)
        let sam = ObjectiveGradient(model: model, objective: .sam(rho: 0.05))
        let gradient = FloatBuffer(count: parameters.count)
        let samDirection = FloatBuffer(count: parameters.count)
        _ = plain.compute(batch: batch, classes: 3, workspace: workspace, parameters: parameters, gradients: gradient.pointer)
        _ = sam.compute(batch: batch, classes: 3, workspace: workspace, parameters: parameters, gradients: samDirection.pointer)
        let epsilon = zip(sam.perturbed.array, parameters).map { Double($0) - Double($1) }
        let g = gradient.array.map(Double.init)
        let epsilonNorm = epsilon.map { $0 * $0 }.reduce(0, +).squareRoot()
        let gradientNorm = g.map { $0 * $0 }.reduce(0, +).squareRoot()
        #expect(abs(epsilonNorm - 0.05) < 1e-6)
        let cosine = zip(epsilon, g).map { $0 * $1 }.reduce(0, +) / (epsilonNorm * gradientNorm)
        #expect(abs(cosine - 1) < 1e-6)
        #expect(samDirection.array != gradient.array)
    }

    @Test func invalidObjectivesNameTheField() {
        var config = TrainingConfig(hiddenSizes: [], learningRate: 0.1, maxEpochs: 1)
        config.objective = .sam(rho: 0)
        let error = #expect(throws: TrainingError.self) { try Trainer(config: config) }
        #expect(error?.description == "training.objective.rho: 0.0 is not a positive number")
        config.objective = .sharpReg(rho: 0.01, lambda: -1, xi: 0.3)
        #expect(throws: TrainingError.self) { try Trainer(config: config) }
    }

    @Test func objectiveRoundTripsThroughJSON() throws {
        var config = TrainingConfig(hiddenSizes: [4], learningRate: 0.1, maxEpochs: 3)
        config.objective = .sharpReg(rho: 0.01, lambda: 1.5, xi: 0.3)
        config.l1Penalty = 1e-4
        config.weightAveraging = WeightAveraging(startEpoch: 2, learningRate: 0.05)
        config.sparsityTuning = SparsityTuning(alpha: 2, lambda: 1e-5, epochs: 3)
        let json = try JSONEncoder().encode(config)
        let text = String(decoding: json, as: UTF8.self)
        for key in ["\"sharp_reg\"", "\"xi\"", "\"l1_penalty\"", "\"swa\"", "\"start_epoch\"", "\"past\"", "\"sample_size\""] {
            #expect(text.contains(key))
        }
        #expect(try JSONDecoder().decode(TrainingConfig.self, from: json) == config)
    }
}
