import Foundation
import MnemoData

/// Pictures of training and test examples for the report: one PNG thumbnail per example (inline in
/// the page), and contact sheets (a grid of thumbnails in one PNG written beside it). Image datasets
/// only (Fashion-MNIST, CIFAR): other datasets are shown as rows of features.
struct ExampleGallery {
    let examples: DatasetExamples
    /// Channels, height, width of one example.
    let shape: [Int]
    /// Each feature's range, for scaling pixels to 0…255.
    private let range: (low: Float, high: Float)

    init?(_ examples: DatasetExamples, datasetName: String) {
        guard let shape = examples.imageShape(datasetName: datasetName), shape.count == 3, [1, 3].contains(shape[0]) else { return nil }
        self.examples = examples
        self.shape = shape
        let values = examples.train.features
        let low = values.min() ?? 0, high = values.max() ?? 1
        range = (low, high > low ? high : low + 1)
    }

    /// One example as a PNG, `scale` times its size.
    func thumbnail(train: Bool, index: Int, scale: Int = 3) -> PNGImage {
        var image = PNGImage(width: shape[2] * scale, height: shape[1] * scale, color: shape[0] == 3 ? .rgb : .gray, fill: Array(repeating: 255, count: shape[0]))
        draw(train: train, index: index, into: &image, x: 0, y: 0, scale: scale)
        return image
    }

    /// A grid of examples, `columns` wide, each with a border of `border` pixels: red for those in
    /// `marked`, light gray otherwise.
    func sheet(_ items: [(train: Bool, index: Int)], columns: Int, marked: Set<Int>, scale: Int = 2, border: Int = 2) -> PNGImage {
        let cell = (width: shape[2] * scale + 2 * border, height: shape[1] * scale + 2 * border)
        let rows = max(1, (items.count + columns - 1) / columns)
        var image = PNGImage(width: cell.width * columns, height: cell.height * rows, color: .rgb, fill: [255, 255, 255])
        for (position, item) in items.enumerated() {
            let (x, y) = ((position % columns) * cell.width, (position / columns) * cell.height)
            let color: [UInt8] = marked.contains(position) ? [214, 39, 40] : [204, 204, 204]
            for dy in 0..<cell.height {
                for dx in 0..<cell.width where dx < border || dy < border || dx >= cell.width - border || dy >= cell.height - border {
                    image.set(x: x + dx, y: y + dy, color)
                }
            }
            draw(train: item.train, index: item.index, into: &image, x: x + border, y: y + border, scale: scale)
        }
        return image
    }

    private func draw(train: Bool, index: Int, into image: inout PNGImage, x: Int, y: Int, scale: Int) {
        let split = train ? examples.train : examples.test
        let (channels, height, width) = (shape[0], shape[1], shape[2])
        let base = index * split.dimension
        for row in 0..<height {
            for column in 0..<width {
                var pixel = (0..<channels).map { channel -> UInt8 in
                    let value = split.features[base + channel * height * width + row * width + column]
                    return UInt8(max(0, min(255, ((value - range.low) / (range.high - range.low) * 255).rounded())))
                }
                if image.color == .rgb, channels == 1 { pixel = [pixel[0], pixel[0], pixel[0]] }
                for dy in 0..<scale {
                    for dx in 0..<scale { image.set(x: x + column * scale + dx, y: y + row * scale + dy, pixel) }
                }
            }
        }
    }
}
