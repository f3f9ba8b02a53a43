import MnemoLinalg

/// A fully connected layer `y = f(x · W + b)` with the activation `f` fused in.
///
/// Parameters: `W` as `inputWidth × outputWidth` row-major, then `b` (`outputWidth`). Each of the
/// three products (forward, weight gradient, input gradient) is one `sgemm` over the batch.
struct Dense: Layer {
    let inputWidth: Int
    let outputWidth: Int
    let activation: Activation

    init(inputWidth: Int, outputWidth: Int, activation: Activation) {
        precondition(inputWidth > 0 && outputWidth > 0, "layer widths must be positive")
        self.inputWidth = inputWidth
        self.outputWidth = outputWidth
        self.activation = activation
    }

    var parameterCount: Int { inputWidth * outputWidth + outputWidth }

    var weightCount: Int { inputWidth * outputWidth }
    var fanIn: Int { inputWidth }
    var fanOut: Int { outputWidth }
    var scratchCount: Int { 0 }

    func forward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int, parameters: UnsafePointer<Float>,
        scratch: UnsafeMutablePointer<Float>
    ) {
        BLAS.sgemm(
            .none, .none, m: batch, n: outputWidth, k: inputWidth,
            a: input, lda: inputWidth, b: parameters, ldb: outputWidth, c: output, ldc: outputWidth)
        let bias = parameters + weightCount
        let width = outputWidth
        for row in 0..<batch {
            let values = output + row &* width
            switch activation {
            case .identity:
                for column in 0..<width { values[column] += bias[column] }
            case .relu:
                for column in 0..<width { values[column] = max(values[column] + bias[column], 0) }
            }
        }
    }

    func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, batch: Int,
        parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Float>
    ) {
        let width = outputWidth
        if activation == .relu {
            // Both values are loaded unconditionally so that the loop compiles to vector selects.
            for index in 0..<(batch &* width) {
                let gradient = outputGradient[index]
                outputGradient[index] = output[index] > 0 ? gradient : 0
            }
        }
        BLAS.sgemm(
            .transposed, .none, m: inputWidth, n: width, k: batch,
            a: input, lda: inputWidth, b: outputGradient, ldb: width, c: parameterGradient, ldc: width)
        let biasGradient = parameterGradient + weightCount
        biasGradient.update(repeating: 0, count: width)
        for row in 0..<batch {
            let values = outputGradient + row &* width
            for column in 0..<width { biasGradient[column] += values[column] }
        }
        if let inputGradient {
            BLAS.sgemm(
                .none, .transposed, m: batch, n: inputWidth, k: width,
                a: outputGradient, lda: width, b: parameters, ldb: width, c: inputGradient, ldc: inputWidth)
        }
    }
}
