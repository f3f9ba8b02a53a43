import MnemoCore
import Testing

@testable import MnemoLearn

/// Finite-difference checks of the image layers: for a random input x, parameters p and upstream
/// gradient r, the analytic ∂(r · layer(x; p))/∂(p, x) against Float central differences.
@Suite struct LayerGradientTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var layer: any Layer
        var testDescription: String { name }
    }

    static let cases = [
        Case(name: "convolution 2×5×4 → 3", layer: Convolution(input: ImageShape(channels: 2, height: 5, width: 4), outputChannels: 3)),
        Case(name: "max-pool 2×5×4", layer: MaxPool(input: ImageShape(channels: 2, height: 5, width: 4))),
        Case(name: "max-pool 2×4×6", layer: MaxPool(input: ImageShape(channels: 2, height: 4, width: 6))),
        Case(name: "global average pool 3×4×4", layer: GlobalAveragePool(input: ImageShape(channels: 3, height: 4, width: 4))),
    ]

    let batch = 2

    static func random(_ count: Int, seed: UInt64) -> [Float] {
        var rng = CounterRNG(key: seed, stream: 3)
        return (0..<count).map { _ in 2 * rng.nextUnitFloat() - 1 }
    }

    /// Σ r · layer(x; p) in Double.
    func objective(_ layer: any Layer, _ x: [Float], _ p: [Float], _ r: [Float]) -> Double {
        var output = [Float](repeating: 0, count: batch * layer.outputWidth)
        var scratch = [Float](repeating: 0, count: max(layer.scratchCount, 1))
        layer.forward(input: x, output: &output, batch: batch, parameters: p, scratch: &scratch)
        return zip(output, r).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    func relativeError(_ analytic: [Float], _ numeric: [Double]) -> Double {
        var difference = 0.0
        var norm = 0.0
        for (a, n) in zip(analytic, numeric) {
            difference += (Double(a) - n) * (Double(a) - n)
            norm += n * n
        }
        return norm == 0 ? difference.squareRoot() : (difference / norm).squareRoot()
    }

    @Test(arguments: cases)
    func gradientsMatchCentralDifferences(_ testCase: Case) {
        let layer = testCase.layer
        let x = Self.random(batch * layer.inputWidth, seed: 1)
        let p = Self.random(max(layer.parameterCount, 1), seed: 2)
        let r = Self.random(batch * layer.outputWidth, seed: 3)
        var output = [Float](repeating: 0, count: batch * layer.outputWidth)
        var scratch = [Float](repeating: 0, count: max(layer.scratchCount, 1))
        var dy = r
        var dx = [Float](repeating: .nan, count: x.count)
        var dp = [Float](repeating: .nan, count: p.count)
        layer.forward(input: x, output: &output, batch: batch, parameters: p, scratch: &scratch)
        layer.backward(
            input: x, output: output, outputGradient: &dy, inputGradient: &dx, batch: batch, parameters: p,
            parameterGradient: &dp, scratch: &scratch)
        let step: Float = 1e-2
        let numericInput = x.indices.map { index -> Double in
            var plus = x
            plus[index] += step
            var minus = x
            minus[index] -= step
            return (objective(layer, plus, p, r) - objective(layer, minus, p, r)) / Double(plus[index] - minus[index])
        }
        #expect(numericInput.contains { abs($0) > 1e-3 })
        #expect(relativeError(dx, numericInput) < 1e-2)
        if layer.parameterCount > 0 {
            let numericParameters = (0..<layer.parameterCount).map { index -> Double in
                var plus = p
                plus[index] += step
                var minus = p
                minus[index] -= step
                return (objective(layer, x, plus, r) - objective(layer, x, minus, r)) / Double(plus[index] - minus[index])
            }
            #expect(relativeError(Array(dp.prefix(layer.parameterCount)), numericParameters) < 1e-2)
        }
    }

    @Test func convolutionMatchesTheDirectSum() {
        let shape = ImageShape(channels: 2, height: 4, width: 5)
        let layer = Convolution(input: shape, outputChannels: 3)
        let x = Self.random(shape.count, seed: 4)
        let p = Self.random(layer.parameterCount, seed: 5)
        var output = [Float](repeating: 0, count: layer.outputWidth)
        var scratch = [Float](repeating: 0, count: layer.scratchCount)
        layer.forward(input: x, output: &output, batch: 1, parameters: p, scratch: &scratch)
        for out in 0..<3 {
            for y in 0..<4 {
                for column in 0..<5 {
                    var sum = Double(p[layer.weightCount + out])
                    for channel in 0..<2 {
                        for ky in 0..<3 {
                            for kx in 0..<3 {
                                let (sy, sx) = (y + ky - 1, column + kx - 1)
                                guard sy >= 0, sy < 4, sx >= 0, sx < 5 else { continue }
                                sum += Double(p[((out * 2 + channel) * 3 + ky) * 3 + kx])
                                    * Double(x[(channel * 4 + sy) * 5 + sx])
                            }
                        }
                    }
                    #expect(abs(Double(output[(out * 4 + y) * 5 + column]) - max(sum, 0)) < 1e-5)
                }
            }
        }
        #expect(output.contains { $0 > 0 } && output.contains { $0 == 0 })
    }

    @Test func maxPoolTakesEachWindowsMaximumAndDropsTheOddRow() {
        let layer = MaxPool(input: ImageShape(channels: 1, height: 3, width: 4))
        let x: [Float] = [1, 5, 2, 0, 3, 4, 8, 7, 9, 9, 9, 9]
        var output = [Float](repeating: 0, count: layer.outputWidth)
        var scratch: [Float] = [0]
        layer.forward(input: x, output: &output, batch: 1, parameters: x, scratch: &scratch)
        #expect(output == [5, 8])
    }
}
