/// Where a chart writes the labels of its marks: beside the mark, or moved down below the labels
/// already written there until it overlaps none (12-pixel text, about 6.5 pixels per character).
struct LabelPlacement {
    private var placed: [(x0: Double, x1: Double, y0: Double, y1: Double)] = []

    /// The baseline position of `label` wanted at (`x`, `y`), and keeps the box it takes.
    mutating func place(_ label: String, x: Double, y: Double) -> (x: Double, y: Double) {
        let width = 6.5 * Double(label.count)
        var baseline = y
        while let clash = placed.first(where: { $0.x0 < x + width && x < $0.x1 && $0.y0 < baseline + 2 && baseline - 11 < $0.y1 }) {
            baseline = clash.y1 + 12
        }
        placed.append((x, x + width, baseline - 11, baseline + 2))
        return (x, baseline)
    }
}
