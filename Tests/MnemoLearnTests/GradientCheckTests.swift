import Foundation
import MnemoCore
import MnemoData
import Testing

@testable import MnemoLearn

/// Finite-difference checks of the MLP and softmax cross-entropy against the analytic gradient.
@Suite struct GradientCheckTests {
    static let cases: [[Int]] = [[], [5], [5, 4]]
    let inputWidth = 6
    let classes = 3
    let batch = 7
    let data = SyntheticData.noise(count: 7, classes: 3, dimension: 6, seed: 21)

    func model(_ hidden: [Int]) -> Sequential {
        Sequential.multilayerPerceptron(inputWidth: inputWidth, hiddenWidths: hidden, classCount: classes)
    }

    func initialParameters(_ model: Sequential) -> [Float] {
        var rng = CounterRNG(key: 5, stream: 1)
        return model.initialParameters(rng: &rng)
    }

    /// The engine's mean loss over the batch and, when asked, its analytic gradient.
    func engine(_ model: Sequential, _ parameters: [Float], gradient: Bool) -> (loss: Double, gradient: [Float]) {
        let workspace = Workspace(model: model, capacity: batch, training: true)
        let gradients = FloatBuffer(count: model.parameterCount)
        let result = parameters.withUnsafeBufferPointer { parameters in
            data.features.withUnsafeBufferPointer { features in
                data.labels.withUnsafeBufferPointer { labels in
                    let logits = model.forward(
                        features.baseAddress!, batch: batch, parameters: parameters.baseAddress!, workspace: workspace)
                    let loss = SoftmaxCrossEntropy().evaluate(
                        logits: logits, labels: labels.baseAddress!, batch: batch, classes: classes,
                        gradient: workspace.gradients[workspace.gradients.count - 1].pointer)
                    if gradient {
                        model.backward(
                            features.baseAddress!, batch: batch, parameters: parameters.baseAddress!,
                            gradients: gradients.pointer, workspace: workspace)
                    }
                    return loss
                }
            }
        }
        return (result.sum / Double(batch), gradients.array)
    }

    /// The same MLP and loss in Double, written out loop by loop from the documented parameter layout
    /// (per layer: weights input × output row-major, then biases).
    func referenceLoss(_ hidden: [Int], _ parameters: [Double]) -> Double {
        let widths = [inputWidth] + hidden + [classes]
        var activations = data.features.map(Double.init)
        var offset = 0
        for layer in 0..<(widths.count - 1) {
            let (n, m) = (widths[layer], widths[layer + 1])
            var output = [Double](repeating: 0, count: batch * m)
            for row in 0..<batch {
                for j in 0..<m {
                    var sum = parameters[offset + n * m + j]
                    for i in 0..<n { sum += activations[row * n + i] * parameters[offset + i * m + j] }
                    output[row * m + j] = layer == widths.count - 2 ? sum : max(sum, 0)
                }
            }
            offset += n * m + m
            activations = output
        }
        var total = 0.0
        for row in 0..<batch {
            let logits = activations[(row * classes)..<((row + 1) * classes)]
            let largest = logits.max()!
            let logSum = Foundation.log(logits.map { Foundation.exp($0 - largest) }.reduce(0, +)) + largest
            total += logSum - logits[row * classes + Int(data.labels[row])]
        }
        return total / Double(batch)
    }

    @Test(arguments: cases)
    func analyticGradientMatchesDoubleCentralDifferences(hidden: [Int]) {
        let model = model(hidden)
        let parameters = initialParameters(model)
        let (loss, analytic) = engine(model, parameters, gradient: true)
        let reference = parameters.map(Double.init)
        #expect(abs(loss - referenceLoss(hidden, reference)) < 1e-5)
        let step = 1e-6
        var nonzero = 0
        for index in reference.indices {
            var plus = reference
            plus[index] += step
            var minus = reference
            minus[index] -= step
            let numeric = (referenceLoss(hidden, plus) - referenceLoss(hidden, minus)) / (2 * step)
            let error = abs(Double(analytic[index]) - numeric)
            #expect(error <= 1e-5 + 1e-3 * abs(numeric), "parameter \(index): analytic \(analytic[index]), numeric \(numeric)")
            if abs(numeric) > 1e-6 { nonzero += 1 }
        }
        #expect(nonzero > reference.count / 2)
    }

    @Test(arguments: cases)
    func analyticGradientMatchesFloatCentralDifferences(hidden: [Int]) {
        let model = model(hidden)
        let parameters = initialParameters(model)
        let analytic = engine(model, parameters, gradient: true).gradient
        let check = centralDifferenceError(parameters: parameters, analytic: analytic) {
            engine(model, $0, gradient: false).loss
        }
        #expect(check.numericNorm > 0)
        #expect(check.relativeError < 1e-2)
    }
}
