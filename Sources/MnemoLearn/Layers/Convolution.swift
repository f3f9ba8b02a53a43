import MnemoLinalg

/// A 3 × 3 convolution with stride 1 and zero padding 1 (the image keeps its size), with ReLU fused in.
///
/// Parameters: the kernel as `outputChannels × (inputChannels · 3 · 3)` row-major (PyTorch's
/// `[out, in, kh, kw]` layout), then one bias per output channel. Each example is unfolded into a
/// `(inputChannels · 9) × (height · width)` column matrix (im2col) in the scratch memory, so that
/// the forward pass, the weight gradient and the input gradient are each one `sgemm` per example.
/// (Unfolding a whole batch into one matrix was slower, as it falls out of cache; chunks of a few
/// examples measured no faster than single ones.)
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
        let biasGradient = parameterGradient + weightCount
        parameterGradient.update(repeating: 0, count: parameterCount)
        let columnGradient = scratch + patch &* pixels
        for example in 0..<batch {
            let g = dy + example &* outputWidth
            let activation = y + example &* outputWidth
            for channel in 0..<channels {
                let offset = channel &* pixels
                biasGradient[channel] += Self.maskAndSum(g + offset, where: activation + offset, count: pixels)
            }
            unfold(x + example &* inputWidth, into: scratch)
            BLAS.sgemm(
                .none, .transposed, m: channels, n: patch, k: pixels,
                a: g, lda: pixels, b: scratch, ldb: pixels, beta: 1, c: parameterGradient, ldc: patch)
            if let dx {
                BLAS.sgemm(
                    .transposed, .none, m: patch, n: pixels, k: channels,
                    a: parameters, lda: patch, b: g, ldb: pixels, c: columnGradient, ldc: pixels)
                fold(columnGradient, into: dx + example &* inputWidth)
            }
        }
    }

    /// Zeroes `gradient[i]` where `activation[i]` is not positive (ReLU's derivative) and returns the
    /// sum of what is left, accumulated in a fixed order over eight lanes so that it vectorizes.
    private static func maskAndSum(
        _ gradient: UnsafeMutablePointer<Float>, where activation: UnsafePointer<Float>, count: Int
    ) -> Float {
        var lanes = SIMD8<Float>()
        var index = 0
        while index &+ 8 <= count {
            let g = UnsafeRawPointer(gradient + index).loadUnaligned(as: SIMD8<Float>.self)
            let a = UnsafeRawPointer(activation + index).loadUnaligned(as: SIMD8<Float>.self)
            let masked = g.replacing(with: 0, where: a .<= 0)
            UnsafeMutableRawPointer(gradient + index).storeBytes(of: masked, as: SIMD8<Float>.self)
            lanes += masked
            index &+= 8
        }
        var sum = lanes.sum()
        while index < count {
            let masked = activation[index] > 0 ? gradient[index] : 0
            gradient[index] = masked
            sum += masked
            index &+= 1
        }
        return sum
    }

    /// The columns of a 3 × 3 neighbourhood: for kernel offset (ky, kx), row entry `i = y · width + x`
    /// reads input pixel `i + shift` with `shift = (ky − 1) · width + (kx − 1)`, valid for `i` in
    /// `range` except, when kx ≠ 1, the entries of the image's first (kx = 0) or last (kx = 2) column.
    private func window(ky: Int, kx: Int) -> (shift: Int, range: Range<Int>, edgeColumn: Int?) {
        let (height, width) = (input.height, input.width)
        let shift = (ky - 1) * width + (kx - 1)
        let low = min(max(max(0, 1 - ky) * width, -shift), pixels)
        let high = min(min(height, height + 1 - ky) * width, pixels - shift)
        return (shift, low..<max(low, high), kx == 1 ? nil : (kx == 0 ? 0 : width - 1))
    }

    /// Zeroes the entries of a column-matrix row that fall in image column `column` (the padding a
    /// window with kx ≠ 1 reads there); nothing when `column` is nil.
    private func clear(column: Int?, of row: UnsafeMutablePointer<Float>) {
        guard let column else { return }
        for index in stride(from: column, to: pixels, by: input.width) { row[index] = 0 }
    }

    /// im2col: row `(c · 3 + ky) · 3 + kx` of `columns` holds, for every output pixel (y, x), the
    /// input pixel (c, y + ky − 1, x + kx − 1), or 0 outside the image. Each row is one contiguous
    /// copy of the shifted plane, with the padding entries then zeroed.
    private func unfold(_ image: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>) {
        let k = Self.kernel
        for ky in 0..<k {
            for kx in 0..<k {
                let (shift, range, edgeColumn) = window(ky: ky, kx: kx)
                for channel in 0..<input.channels {
                    let plane = image + channel &* pixels
                    let row = columns + ((channel &* k &+ ky) &* k &+ kx) &* pixels
                    row.update(repeating: 0, count: range.lowerBound)
                    (row + range.lowerBound).update(from: plane + range.lowerBound + shift, count: range.count)
                    (row + range.upperBound).update(repeating: 0, count: pixels - range.upperBound)
                    clear(column: edgeColumn, of: row)
                }
            }
        }
    }

    /// col2im, the adjoint of ``unfold(_:into:)``: sums each column entry back onto its input pixel.
    /// Zeroes the padding entries of `columns` first, so that each row adds onto the image as one
    /// contiguous run.
    private func fold(_ columns: UnsafeMutablePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        let k = Self.kernel
        image.update(repeating: 0, count: inputWidth)
        for ky in 0..<k {
            for kx in 0..<k {
                let (shift, range, edgeColumn) = window(ky: ky, kx: kx)
                for channel in 0..<input.channels {
                    let row = columns + ((channel &* k &+ ky) &* k &+ kx) &* pixels
                    clear(column: edgeColumn, of: row)
                    let source = row + range.lowerBound
                    let target = image + (channel &* pixels &+ range.lowerBound &+ shift)
                    for index in 0..<range.count { target[index] += source[index] }
                }
            }
        }
    }
}
