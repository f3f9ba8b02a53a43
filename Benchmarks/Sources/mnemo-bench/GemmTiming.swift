import MnemoLinalg

/// The `sgemm` calls of one training epoch of an MLP, timed alone: per batch and dense layer the
/// forward product, the weight gradient, and (beyond the first layer) the input gradient, with the
/// engine's shapes and transposes.
struct GemmTiming {
    let layers: [(input: Int, output: Int)]
    let examples: Int
    let batchSize: Int

    /// Seconds for one epoch's products.
    func epochSeconds() -> Double {
        let widest = layers.map { max($0.input, $0.output) }.max()!
        let activations = (0...layers.count).map { index in
            [Float](repeating: 0.01, count: batchSize * (index == 0 ? layers[0].input : layers[index - 1].output))
        }
        var outputs = layers.map { [Float](repeating: 0, count: batchSize * $0.output) }
        var gradients = layers.map { [Float](repeating: 0, count: $0.input * $0.output) }
        var inputGradient = [Float](repeating: 0, count: batchSize * widest)
        let weights = layers.map { [Float](repeating: 0.01, count: $0.input * $0.output) }
        let clock = ContinuousClock()
        let start = clock.now
        for first in stride(from: 0, to: examples, by: batchSize) {
            let batch = min(batchSize, examples - first)
            for (index, layer) in layers.enumerated() {
                let input = index == 0 ? activations[0] : outputs[index - 1]
                BLAS.sgemm(
                    .none, .none, m: batch, n: layer.output, k: layer.input, a: input, lda: layer.input,
                    b: weights[index], ldb: layer.output, c: &outputs[index], ldc: layer.output)
            }
            for (index, layer) in layers.enumerated().reversed() {
                let input = index == 0 ? activations[0] : outputs[index - 1]
                BLAS.sgemm(
                    .transposed, .none, m: layer.input, n: layer.output, k: batch, a: input, lda: layer.input,
                    b: outputs[index], ldb: layer.output, c: &gradients[index], ldc: layer.output)
                if index > 0 {
                    BLAS.sgemm(
                        .none, .transposed, m: batch, n: layer.input, k: layer.output, a: outputs[index],
                        lda: layer.output, b: weights[index], ldb: layer.output, c: &inputGradient, ldc: layer.input)
                }
            }
        }
        return (clock.now - start).seconds
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
