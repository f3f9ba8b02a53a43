import MnemoLinalg

/// A 3 × 3 convolution with stride 1 and zero padding 1 (the image keeps its size), with ReLU fused in.
///
/// Parameters: the kernel as `outputChannels × (inputChannels · 3 · 3)` row-major (PyTorch's
/// `[out, in, kh, kw]` layout), then one bias per output channel. Each example is unfolded into a
/// `(inputChannels · 9) × (height · width)` column matrix (im2col) in the scratch memory, so that
/// the forward pass, the weight gradient and the input gradient are each one `sgemm` per example.
struct Convolution: Layer {
    let input: ImageShape
    let outputChannels: Int

    static let kernel = 3

    init(input: ImageShape, outputChannels: Int) {
        precondition(input.count > 0 && outputChannels > 0, "convolution shapes must be positive")
        self.input = input
        self.outputChannels = outputChannels
    }

    var output: ImageShape { ImageShape(channels: outputChannels, height: input.height, width: input.width) }
    var inputWidth: Int { input.count }
    var outputWidth: Int { output.count }
    var weightCount: Int { outputChannels * patchSize }
    var parameterCount: Int { weightCount + outputChannels }
    var fanIn: Int { patchSize }
    var fanOut: Int { outputChannels * Self.kernel * Self.kernel }
    /// The column matrix and, for the input gradient, its gradient.
    var scratchCount: Int { 2 * patchSize * pixels }

    private var patchSize: Int { input.channels * Self.kernel * Self.kernel }
    private var pixels: Int { input.height * input.width }

    func forward(
        input x: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>, batch: Int,
        parameters: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>
    ) {
        let (patch, pixels, channels) = (patchSize, pixels, outputChannels)
        let bias = parameters + weightCount
        for example in 0..<batch {
            unfold(x + example &* inputWidth, into: scratch)
            let out = y + example &* outputWidth
            BLAS.sgemm(
                .none, .none, m: channels, n: pixels, k: patch,
                a: parameters, lda: patch, b: scratch, ldb: pixels, c: out, ldc: pixels)
            for channel in 0..<channels {
                let values = out + channel &* pixels
                let b = bias[channel]
                for index in 0..<pixels { values[index] = max(values[index] + b, 0) }
            }
        }
    }

    func backward(
        input x: UnsafePointer<Float>, output y: UnsafePointer<Float>, outputGradient dy: UnsafeMutablePointer<Float>,
        inputGradient dx: UnsafeMutablePointer<Float>?, batch: Int,
        parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Float>
    ) {
        let (patch, pixels, channels) = (patchSize, pixels, outputChannels)
        for index in 0..<(batch &* outputWidth) {
            let gradient = dy[index]
            dy[index] = y[index] > 0 ? gradient : 0
        }
        let biasGradient = parameterGradient + weightCount
        parameterGradient.update(repeating: 0, count: parameterCount)
        let columnGradient = scratch + patch &* pixels
        for example in 0..<batch {
            let g = dy + example &* outputWidth
            unfold(x + example &* inputWidth, into: scratch)
            BLAS.sgemm(
                .none, .transposed, m: channels, n: patch, k: pixels,
                a: g, lda: pixels, b: scratch, ldb: pixels, beta: 1, c: parameterGradient, ldc: patch)
            for channel in 0..<channels {
                let values = g + channel &* pixels
                var sum: Float = 0
                for index in 0..<pixels { sum += values[index] }
                biasGradient[channel] += sum
            }
            if let dx {
                BLAS.sgemm(
                    .transposed, .none, m: patch, n: pixels, k: channels,
                    a: parameters, lda: patch, b: g, ldb: pixels, c: columnGradient, ldc: pixels)
                fold(columnGradient, into: dx + example &* inputWidth)
            }
        }
    }

    /// im2col: row `(c · 3 + ky) · 3 + kx` of `columns` holds, for every output pixel (y, x), the
    /// input pixel (c, y + ky − 1, x + kx − 1), or 0 outside the image.
    private func unfold(_ image: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>) {
        let (height, width, k) = (input.height, input.width, Self.kernel)
        for channel in 0..<input.channels {
            let plane = image + channel &* pixels
            for ky in 0..<k {
                for kx in 0..<k {
                    let row = columns + ((channel &* k &+ ky) &* k &+ kx) &* pixels
                    let shift = kx - 1
                    let low = max(0, -shift)
                    let high = min(width, width - shift)
                    for y in 0..<height {
                        let target = row + y &* width
                        let sourceRow = y + ky - 1
                        guard sourceRow >= 0, sourceRow < height else {
                            target.update(repeating: 0, count: width)
                            continue
                        }
                        let source = plane + sourceRow &* width + shift
                        for x in 0..<low { target[x] = 0 }
                        for x in low..<high { target[x] = source[x] }
                        for x in high..<width { target[x] = 0 }
                    }
                }
            }
        }
    }

    /// col2im, the adjoint of ``unfold(_:into:)``: sums each column entry back onto its input pixel.
    private func fold(_ columns: UnsafePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        let (height, width, k) = (input.height, input.width, Self.kernel)
        image.update(repeating: 0, count: inputWidth)
        for channel in 0..<input.channels {
            let plane = image + channel &* pixels
            for ky in 0..<k {
                for kx in 0..<k {
                    let row = columns + ((channel &* k &+ ky) &* k &+ kx) &* pixels
                    let shift = kx - 1
                    let low = max(0, -shift)
                    let high = min(width, width - shift)
                    for y in 0..<height {
                        let sourceRow = y + ky - 1
                        guard sourceRow >= 0, sourceRow < height else { continue }
                        let gradient = row + y &* width
                        let target = plane + sourceRow &* width + shift
                        for x in low..<high { target[x] += gradient[x] }
                    }
                }
            }
        }
    }
}
