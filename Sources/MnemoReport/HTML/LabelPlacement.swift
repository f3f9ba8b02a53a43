/// Where a chart writes the labels of its marks: beside the mark, or a line below or above it when
/// that spot is taken, or not at all when every spot near the mark is (12-pixel text, about 6.5 pixels
/// per character); the chart's CSV has every point with its label.
struct LabelPlacement {
    private var placed: [(x0: Double, x1: Double, y0: Double, y1: Double)] = []

    /// The baseline position of `label` wanted at (`x`, `y`), keeping the box it takes, or nil when
    /// no spot near it is free.
    mutating func place(_ label: String, x: Double, y: Double) -> (x: Double, y: Double)? {
        let width = 6.5 * Double(label.count)
        for baseline in [y, y + 12, y - 12, y + 24] {
            let box = (x0: x, x1: x + width, y0: baseline - 11, y1: baseline + 2)
            guard !placed.contains(where: { $0.x0 < box.x1 && box.x0 < $0.x1 && $0.y0 < box.y1 && box.y0 < $0.y1 }) else { continue }
            placed.append(box)
            return (x, baseline)
        }
        return nil
    }
}
