import Testing

@testable import MnemoLearn

/// SGD follows PyTorch's `torch.optim.SGD` update rule, checked against a Double re-derivation.
@Suite struct SGDTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var momentum: Float
        var nesterov: Bool
        var weightDecay: Float
        var testDescription: String { "μ=\(momentum) nesterov=\(nesterov) λ=\(weightDecay)" }
    }

    @Test(arguments: [
        Case(momentum: 0.9, nesterov: true, weightDecay: 5e-4),
        Case(momentum: 0.9, nesterov: false, weightDecay: 0),
        Case(momentum: 0, nesterov: false, weightDecay: 0.1),
    ])
    func threeStepsFollowTheUpdateRule(_ setting: Case) {
        let learningRate: Float = 0.1
        let weights = FloatBuffer([0.5, -1.25, 2, 0])
        let sgd = SGD(
            parameterCount: 4, learningRate: learningRate, momentum: setting.momentum, nesterov: setting.nesterov,
            weightDecay: setting.weightDecay)
        var w = weights.array.map(Double.init)
        var v = [Double](repeating: 0, count: 4)
        let gradientSteps: [[Float]] = [[1, -2, 0.5, 0], [0.25, 0.5, -1, 3], [-0.75, 1, 0, -0.5]]
        for step in gradientSteps {
            let gradients = FloatBuffer(step)
            sgd.step(parameters: weights.pointer, gradients: gradients.pointer, count: 4)
            for index in 0..<4 {
                let g = Double(step[index]) + Double(setting.weightDecay) * w[index]
                v[index] = Double(setting.momentum) * v[index] + g
                let direction = setting.nesterov ? g + Double(setting.momentum) * v[index] : v[index]
                w[index] -= Double(learningRate) * direction
            }
        }
        for index in 0..<4 {
            #expect(abs(Double(weights.array[index]) - w[index]) < 1e-6, "weight \(index)")
        }
        #expect(weights.array != [0.5, -1.25, 2, 0])
    }
}
