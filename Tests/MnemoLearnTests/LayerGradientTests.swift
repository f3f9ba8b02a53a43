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
        Case(name: "max-pool 2×4×10", layer: MaxPool(input: ImageShape(channels: 2, height: 4, width: 10))),
        Case(
            name: "convolution 2×1×3 → 2",
            layer: Convolution(input: ImageShape(channels: 2, height: 1, width: 3), outputChannels: 2)),
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

    static let directSumShapes = [
        ImageShape(channels: 2, height: 4, width: 5), ImageShape(channels: 4, height: 1, width: 1),
        ImageShape(channels: 3, height: 1, width: 2), ImageShape(channels: 1, height: 3, width: 1),
        ImageShape(channels: 2, height: 6, width: 9),
    ]

    @Test(arguments: directSumShapes)
    func convolutionMatchesTheDirectSum(_ shape: ImageShape) {
        let (channels, height, width) = (shape.channels, shape.height, shape.width)
        let layer = Convolution(input: shape, outputChannels: 3)
        let x = Self.random(2 * shape.count, seed: 4)
        let p = Self.random(layer.parameterCount, seed: 5)
        var output = [Float](repeating: .nan, count: 2 * layer.outputWidth)
        var scratch = [Float](repeating: .nan, count: layer.scratchCount)
        layer.forward(input: x, output: &output, batch: 2, parameters: p, scratch: &scratch)
        for example in 0..<2 {
            for out in 0..<3 {
                for y in 0..<height {
                    for column in 0..<width {
                        var sum = Double(p[layer.weightCount + out])
                        for channel in 0..<channels {
                            for ky in 0..<3 {
                                for kx in 0..<3 {
                                    let (sy, sx) = (y + ky - 1, column + kx - 1)
                                    guard sy >= 0, sy < height, sx >= 0, sx < width else { continue }
                                    sum += Double(p[((out * channels + channel) * 3 + ky) * 3 + kx])
                                        * Double(x[example * shape.count + (channel * height + sy) * width + sx])
                                }
                            }
                        }
                        let value = output[example * layer.outputWidth + (out * height + y) * width + column]
                        #expect(abs(Double(value) - max(sum, 0)) < 1e-5)
                    }
                }
            }
        }
        #expect(output.contains { $0 > 0 })
    }

    @Test func maxPoolGradientGoesToTheFirstMaximumOfATie() {
        // Five windows (four in one vector step, one after it), with ties at each position.
        let layer = MaxPool(input: ImageShape(channels: 1, height: 2, width: 10))
        let x: [Float] = [1, 1, 0, 2, 0, 1, 0, 1, 0, 3, 1, 1, 2, 2, 3, 3, 2, 5, 3, 1]
        var output = [Float](repeating: 0, count: layer.outputWidth)
        var scratch: [Float] = [0]
        layer.forward(input: x, output: &output, batch: 1, parameters: x, scratch: &scratch)
        #expect(output == [1, 2, 3, 5, 3])
        var dy: [Float] = [1, 2, 3, 4, 5]
        var dx = [Float](repeating: .nan, count: x.count)
        var none: [Float] = [0]
        layer.backward(
            input: x, output: output, outputGradient: &dy, inputGradient: &dx, batch: 1, parameters: x,
            parameterGradient: &none, scratch: &scratch)
        #expect(dx == [1, 0, 0, 2, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 3, 0, 0, 4, 0, 0])
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
