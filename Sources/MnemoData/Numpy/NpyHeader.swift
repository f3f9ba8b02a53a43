import Foundation

/// The three fields of a `.npy` header dict literal that define the array.
struct NumpyHeader {
    let descr: String
    let fortranOrder: Bool
    let shape: [Int]

    /// Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` (keys in any order).
    ///
    /// - Throws: ``DatasetError`` at `offset` (where the header starts) naming the missing or
    ///   malformed field.
    init(_ text: String, file: String, offset: Int) throws(DatasetError) {
        func fail(_ reason: String) -> DatasetError {
            DatasetError(
                file: file, offset: offset, reason: "malformed .npy header \(text.debugDescription): \(reason)")
        }
        func valueText(_ key: String) throws(DatasetError) -> Substring {
            guard let keyRange = text.range(of: "'\(key)'") ?? text.range(of: "\"\(key)\""),
                let colon = text[keyRange.upperBound...].firstIndex(of: ":")
            else { throw fail("no '\(key)' field") }
            return text[text.index(after: colon)...].drop(while: \.isWhitespace)
        }
        let descrText = try valueText("descr")
        guard let quote = descrText.first, quote == "'" || quote == "\"",
            let end = descrText.dropFirst().firstIndex(of: quote)
        else { throw fail("'descr' is not a quoted string") }
        descr = String(descrText[descrText.index(after: descrText.startIndex)..<end])

        let orderText = try valueText("fortran_order")
        if orderText.hasPrefix("False") {
            fortranOrder = false
        } else if orderText.hasPrefix("True") {
            fortranOrder = true
        } else {
            throw fail("'fortran_order' is neither True nor False")
        }

        let shapeText = try valueText("shape")
        guard shapeText.first == "(", let close = shapeText.firstIndex(of: ")") else {
            throw fail("'shape' is not a tuple")
        }
        var sizes: [Int] = []
        for part in shapeText[shapeText.index(after: shapeText.startIndex)..<close].split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            if trimmed.isEmpty { continue }
            guard let size = Int(trimmed), size >= 0 else { throw fail("'shape' holds \(trimmed.debugDescription)") }
            sizes.append(size)
        }
        shape = sizes
    }
}
