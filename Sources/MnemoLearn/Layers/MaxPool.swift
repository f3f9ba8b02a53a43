/// 2 × 2 max-pooling with stride 2 (odd trailing rows and columns are dropped, as PyTorch does).
///
/// The gradient goes to the first maximum of each window in row-major order.
struct MaxPool: Layer {
    let input: ImageShape

    init(input: ImageShape) {
        precondition(input.height >= 2 && input.width >= 2, "max-pooling needs an image of at least 2 × 2")
        self.input = input
    }

    var output: ImageShape { ImageShape(channels: input.channels, height: input.height / 2, width: input.width / 2) }
    var inputWidth: Int { input.count }
    var outputWidth: Int { output.count }
    var weightCount: Int { 0 }
    var parameterCount: Int { 0 }
    var fanIn: Int { 4 }
    var fanOut: Int { 1 }
    var scratchCount: Int { 0 }

    func forward(
        input x: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>, batch: Int,
        parameters: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>
    ) {
        let (width, outHeight, outWidth) = (input.width, output.height, output.width)
        let planes = batch &* input.channels
        for plane in 0..<planes {
            let source = x + plane &* (input.height &* width)
            let target = y + plane &* (outHeight &* outWidth)
            for row in 0..<outHeight {
                let top = source + 2 &* row &* width
                let bottom = top + width
                for column in 0..<outWidth {
                    let left = 2 &* column
                    target[row &* outWidth &+ column] = max(
                        max(top[left], top[left + 1]), max(bottom[left], bottom[left + 1]))
                }
            }
        }
    }

    func backward(
        input x: UnsafePointer<Float>, output y: UnsafePointer<Float>, outputGradient dy: UnsafeMutablePointer<Float>,
        inputGradient dx: UnsafeMutablePointer<Float>?, batch: Int,
        parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Float>
    ) {
        guard let dx else { return }
        let (width, outHeight, outWidth) = (input.width, output.height, output.width)
        // The windows tile the image except an odd last row or column, which gets no gradient.
        if input.height % 2 == 1 || width % 2 == 1 { dx.update(repeating: 0, count: batch &* inputWidth) }
        for plane in 0..<(batch &* input.channels) {
            let source = x + plane &* (input.height &* width)
            let target = dx + plane &* (input.height &* width)
            let gradient = dy + plane &* (outHeight &* outWidth)
            for row in 0..<outHeight {
                for column in 0..<outWidth {
                    let corner = 2 &* row &* width &+ 2 &* column
                    var best = corner
                    if source[corner + 1] > source[best] { best = corner + 1 }
                    if source[corner + width] > source[best] { best = corner + width }
                    if source[corner + width + 1] > source[best] { best = corner + width + 1 }
                    let g = gradient[row &* outWidth &+ column]
                    target[corner] = best == corner ? g : 0
                    target[corner + 1] = best == corner + 1 ? g : 0
                    target[corner + width] = best == corner + width ? g : 0
                    target[corner + width + 1] = best == corner + width + 1 ? g : 0
                }
            }
        }
    }
}
