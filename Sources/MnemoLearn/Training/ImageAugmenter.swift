import MnemoCore

/// Applies an ``ImageAugmentation`` in place to gathered batches, with one image of scratch memory.
final class ImageAugmenter {
    let shape: ImageShape
    let settings: ImageAugmentation
    private let original: FloatBuffer

    init(shape: ImageShape, settings: ImageAugmentation) {
        self.shape = shape
        self.settings = settings
        original = FloatBuffer(count: shape.count)
    }

    /// Shifts (and maybe mirrors) each of the `count` images at `images`, drawing dy, dx and the flip
    /// from `rng` in that order per image.
    func apply(to images: UnsafeMutablePointer<Float>, count: Int, rng: inout CounterRNG) {
        let (height, width, pad) = (shape.height, shape.width, settings.padding)
        let source = original.pointer
        for index in 0..<count {
            let image = images + index &* shape.count
            let dy = rng.nextIndex(below: 2 &* pad &+ 1) - pad
            let dx = rng.nextIndex(below: 2 &* pad &+ 1) - pad
            let mirrored = settings.flip && rng.next() & 1 == 1
            if dy == 0, dx == 0, !mirrored { continue }
            source.update(from: image, count: shape.count)
            for channel in 0..<shape.channels {
                let plane = channel &* height &* width
                for y in 0..<height {
                    let target = image + (plane &+ y &* width)
                    let sourceRow = y + dy
                    guard sourceRow >= 0, sourceRow < height else {
                        target.update(repeating: 0, count: width)
                        continue
                    }
                    let row = source + (plane &+ sourceRow &* width)
                    for x in 0..<width {
                        let column = (mirrored ? width - 1 - x : x) + dx
                        target[x] = column >= 0 && column < width ? row[column] : 0
                    }
                }
            }
        }
    }
}
