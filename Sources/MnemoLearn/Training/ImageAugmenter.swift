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
        let pad = settings.padding
        for index in 0..<count {
            let image = images + index &* shape.count
            let dy = rng.nextIndex(below: 2 &* pad &+ 1) - pad
            let dx = rng.nextIndex(below: 2 &* pad &+ 1) - pad
            let mirrored = settings.flip && rng.next() & 1 == 1
            if dy == 0, dx == 0, !mirrored { continue }
            original.pointer.update(from: image, count: shape.count)
            Self.transform(UnsafePointer(original.pointer), into: image, shape: shape, dy: dy, dx: dx, mirrored: mirrored)
        }
    }

    /// Writes `source` shifted by (dy, dx) with zero fill — pixel (y, x) of the result is pixel
    /// (y + dy, x′ + dx) of the source, x′ being x or, when `mirrored`, its mirror image — into
    /// `target` (another image of `shape`).
    static func transform(
        _ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, shape: ImageShape, dy: Int, dx: Int,
        mirrored: Bool
    ) {
        let (height, width) = (shape.height, shape.width)
        for channel in 0..<shape.channels {
            let plane = channel &* height &* width
            for y in 0..<height {
                let row = target + (plane &+ y &* width)
                let sourceRow = y + dy
                guard sourceRow >= 0, sourceRow < height else {
                    row.update(repeating: 0, count: width)
                    continue
                }
                let from = source + (plane &+ sourceRow &* width)
                for x in 0..<width {
                    let column = (mirrored ? width - 1 - x : x) + dx
                    row[x] = column >= 0 && column < width ? from[column] : 0
                }
            }
        }
    }
}
