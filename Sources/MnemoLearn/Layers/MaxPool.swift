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
                let maxima = target + row &* outWidth
                // Four windows at a time, with `max`'s choice (`y >= x ? y : x`) lane by lane.
                func larger(_ x: SIMD4<Float>, _ y: SIMD4<Float>) -> SIMD4<Float> {
                    x.replacing(with: y, where: y .>= x)
                }
                var column = 0
                while column &+ 4 <= outWidth {
                    let upper = UnsafeRawPointer(top + 2 &* column).loadUnaligned(as: SIMD8<Float>.self)
                    let lower = UnsafeRawPointer(bottom + 2 &* column).loadUnaligned(as: SIMD8<Float>.self)
                    let best = larger(larger(upper.evenHalf, upper.oddHalf), larger(lower.evenHalf, lower.oddHalf))
                    UnsafeMutableRawPointer(maxima + column).storeBytes(of: best, as: SIMD4<Float>.self)
                    column &+= 4
                }
                while column < outWidth {
                    let left = 2 &* column
                    maxima[column] = max(max(top[left], top[left + 1]), max(bottom[left], bottom[left + 1]))
                    column &+= 1
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
        let (inputPlane, outputPlane) = (input.height &* width, outHeight &* outWidth)
        for plane in 0..<(batch &* input.channels) {
            for row in 0..<outHeight {
                let offset = plane &* inputPlane &+ 2 &* row &* width
                let (top, bottom) = (x + offset, x + offset + width)
                let (topGradient, bottomGradient) = (dx + offset, dx + offset + width)
                let maxima = y + (plane &* outputPlane &+ row &* outWidth)
                let gradient = dy + (plane &* outputPlane &+ row &* outWidth)
                // Four windows at a time: the even lanes of a row pair are the windows' left
                // columns, the odd lanes their right columns.
                var column = 0
                while column &+ 4 <= outWidth {
                    let upper = UnsafeRawPointer(top + 2 &* column).loadUnaligned(as: SIMD8<Float>.self)
                    let lower = UnsafeRawPointer(bottom + 2 &* column).loadUnaligned(as: SIMD8<Float>.self)
                    let best = UnsafeRawPointer(maxima + column).loadUnaligned(as: SIMD4<Float>.self)
                    let g = UnsafeRawPointer(gradient + column).loadUnaligned(as: SIMD4<Float>.self)
                    let first = upper.evenHalf .== best
                    let second = upper.oddHalf .== best .& .!first
                    let third = lower.evenHalf .== best .& .!(first .| second)
                    let fourth = .!(first .| second .| third)
                    var upperGradient = SIMD8<Float>()
                    var lowerGradient = SIMD8<Float>()
                    upperGradient.evenHalf = g.replacing(with: 0, where: .!first)
                    upperGradient.oddHalf = g.replacing(with: 0, where: .!second)
                    lowerGradient.evenHalf = g.replacing(with: 0, where: .!third)
                    lowerGradient.oddHalf = g.replacing(with: 0, where: .!fourth)
                    UnsafeMutableRawPointer(topGradient + 2 &* column).storeBytes(
                        of: upperGradient, as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(bottomGradient + 2 &* column).storeBytes(
                        of: lowerGradient, as: SIMD8<Float>.self)
                    column &+= 4
                }
                while column < outWidth {
                    let (left, right) = (2 &* column, 2 &* column &+ 1)
                    let (best, g) = (maxima[column], gradient[column])
                    let first = top[left] == best
                    let second = !first && top[right] == best
                    let third = !first && !second && bottom[left] == best
                    let fourth = !first && !second && !third
                    topGradient[left] = first ? g : 0
                    topGradient[right] = second ? g : 0
                    bottomGradient[left] = third ? g : 0
                    bottomGradient[right] = fourth ? g : 0
                    column &+= 1
                }
            }
        }
    }
}
