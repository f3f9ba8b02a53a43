/// The mean of each channel over the image: `channels × height × width` → `channels`.
struct GlobalAveragePool: Layer {
    let input: ImageShape

    var inputWidth: Int { input.count }
    var outputWidth: Int { input.channels }
    var weightCount: Int { 0 }
    var parameterCount: Int { 0 }
    var fanIn: Int { input.height * input.width }
    var fanOut: Int { 1 }
    var scratchCount: Int { 0 }

    func forward(
        input x: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>, batch: Int,
        parameters: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>
    ) {
        let pixels = input.height &* input.width
        let scale = 1 / Float(pixels)
        for plane in 0..<(batch &* input.channels) {
            let values = x + plane &* pixels
            var sum: Float = 0
            for index in 0..<pixels { sum += values[index] }
            y[plane] = sum * scale
        }
    }

    func backward(
        input x: UnsafePointer<Float>, output y: UnsafePointer<Float>, outputGradient dy: UnsafeMutablePointer<Float>,
        inputGradient dx: UnsafeMutablePointer<Float>?, batch: Int,
        parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Float>
    ) {
        guard let dx else { return }
        let pixels = input.height &* input.width
        let scale = 1 / Float(pixels)
        for plane in 0..<(batch &* input.channels) {
            let share = dy[plane] * scale
            (dx + plane &* pixels).update(repeating: share, count: pixels)
        }
    }
}
