/// Plain-text tables with aligned columns, for the terminal reports: the second column is aligned
/// left (names), the others right (numbers).
public enum Table {
    /// The table as lines of text; every row must have as many cells as `header`.
    public static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return column == 1 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
