import Foundation

/// A fast parser for delimited numeric text (CSV-like files of tens of millions of fields): one
/// pass over the bytes, integers parsed in place, other numbers through `strtod`.
struct DelimitedText {
    /// The parsed table: the label column (if any) apart, every other field a feature.
    struct Table {
        var features: [Float] = []
        var labels: [Int32] = []
        /// Features per row.
        var dimension = 0
    }

    let file: String
    let delimiter: UInt8
    let hasHeader: Bool
    /// Which field is the label; nil when every field is a feature.
    let labelColumn: CSVFormat.LabelColumn?
    let labelBase: Int
    let classCount: Int

    /// Parses `data`; blank lines at the end are ignored, a `\r` before a newline is dropped.
    ///
    /// - Throws: ``DatasetError`` with the line (from 1) and byte offset of the first problem: a row
    ///   with another number of fields than the first, a field that is not a number, a NaN or
    ///   infinite feature, a label that is not an integer in range, an unknown label column, no rows.
    func parse(_ data: Data) throws(DatasetError) -> Table {
        let result = data.withUnsafeBytes { raw in
            Result { () throws(DatasetError) in try parse(raw.bindMemory(to: UInt8.self)) }
        }
        return try result.get()
    }

    private func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(DatasetError) -> Table {
        var table = Table()
        var position = 0
        var line = 0
        var columns: Int?
        var labelIndex: Int?
        var header: [String]?
        var fieldStarts: [Int] = []
        fieldStarts.reserveCapacity(1024)
        while position < bytes.count {
            line += 1
            let lineStart = position
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            position = lineEnd + 1
            var contentEnd = lineEnd
            if contentEnd > lineStart, bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
            if contentEnd == lineStart {
                if (position..<bytes.count).allSatisfy({
                    bytes[$0] == UInt8(ascii: "\n") || bytes[$0] == UInt8(ascii: "\r")
                }) {
                    break
                }
                throw DatasetError(file: file, offset: lineStart, line: line, reason: "blank line")
            }
            fieldStarts.removeAll(keepingCapacity: true)
            fieldStarts.append(lineStart)
            for index in lineStart..<contentEnd where bytes[index] == delimiter {
                fieldStarts.append(index + 1)
            }
            let fieldCount = fieldStarts.count
            func field(_ index: Int) -> Range<Int> {
                fieldStarts[index]..<(index + 1 < fieldCount ? fieldStarts[index + 1] - 1 : contentEnd)
            }
            if hasHeader, header == nil {
                header = (0..<fieldCount).map { index in
                    String(decoding: UnsafeBufferPointer(rebasing: bytes[field(index)]), as: UTF8.self)
                        .trimmingCharacters(in: .whitespaces)
                }
                continue
            }
            if columns == nil {
                columns = fieldCount
                labelIndex = try resolveLabelColumn(
                    fieldCount: fieldCount, header: header, line: line, offset: lineStart)
                table.dimension = fieldCount - (labelIndex == nil ? 0 : 1)
            }
            guard fieldCount == columns else {
                throw DatasetError(
                    file: file, offset: lineStart, line: line,
                    reason: "\(fieldCount) fields, but the first row has \(columns!)")
            }
            for index in 0..<fieldCount {
                let range = field(index)
                guard let value = Self.number(bytes, range) else {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
                    throw DatasetError(
                        file: file, offset: range.lowerBound, line: line,
                        reason: "field \(index + 1) \(text.debugDescription) is not a number")
                }
                if index == labelIndex {
                    let valid = labelBase..<(labelBase + classCount)
                    guard value == value.rounded(), value >= Double(valid.lowerBound), value < Double(valid.upperBound)
                    else {
                        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
                        throw DatasetError(
                            file: file, offset: range.lowerBound, line: line,
                            reason: "label \(text.trimmingCharacters(in: .whitespaces)) is not an integer in "
                                + "\(valid.lowerBound)...\(valid.upperBound - 1)")
                    }
                    table.labels.append(Int32(Int(value) - labelBase))
                } else {
                    guard value.isFinite else {
                        throw DatasetError(
                            file: file, offset: range.lowerBound, line: line,
                            reason: "feature in field \(index + 1) is \(value), not a finite number")
                    }
                    table.features.append(Float(value))
                }
            }
        }
        guard columns != nil else {
            throw DatasetError(file: file, offset: bytes.count, reason: "no data rows")
        }
        return table
    }

    private func resolveLabelColumn(
        fieldCount: Int, header: [String]?, line: Int, offset: Int
    ) throws(DatasetError) -> Int? {
        switch labelColumn {
        case nil: return nil
        case .first: return 0
        case .last: return fieldCount - 1
        case .index(let index):
            guard (0..<fieldCount).contains(index) else {
                throw DatasetError(
                    file: file, offset: offset, line: line,
                    reason: "label column \(index) is outside the \(fieldCount) fields (0-based)")
            }
            return index
        case .named(let name):
            guard let header, let index = header.firstIndex(of: name) else {
                throw DatasetError(
                    file: file, offset: 0, line: 1,
                    reason: header == nil
                        ? "a named label column needs a header line" : "no column named \(name.debugDescription)")
            }
            return index
        }
    }

    /// The number in `bytes[range]`, spaces around it allowed: decimal integers directly, anything
    /// else (`0.5`, `1e-3`, `nan`) through `strtod`; nil if the field is not entirely a number.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        var start = range.lowerBound
        var end = range.upperBound
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        guard start < end else { return nil }
        var negative = false
        var index = start
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        if index < end, end - index <= 15 {
            var value = 0
            var allDigits = true
            for position in index..<end {
                let digit = Int(bytes[position]) - 48
                guard digit >= 0, digit <= 9 else {
                    allDigits = false
                    break
                }
                value = value * 10 + digit
            }
            if allDigits { return Double(negative ? -value : value) }
        }
        var text = [CChar](repeating: 0, count: end - start + 1)
        for position in start..<end { text[position - start] = CChar(bitPattern: bytes[position]) }
        return text.withUnsafeBufferPointer { buffer -> Double? in
            var parsedEnd: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &parsedEnd)
            guard let parsedEnd, parsedEnd - UnsafeMutablePointer(mutating: buffer.baseAddress!) == end - start else {
                return nil
            }
            return value
        }
    }
}
