import Foundation
import MnemoCore

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
    let labelColumn: LabelColumn?
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
            if hasHeader, header == nil {
                header = fieldRanges(bytes, lineStart..<contentEnd).map { range in
                    String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
                        .trimmingCharacters(in: .whitespaces)
                }
                continue
            }
            if columns == nil {
                let fieldCount = fieldRanges(bytes, lineStart..<contentEnd).count
                columns = fieldCount
                labelIndex = try resolveLabelColumn(
                    fieldCount: fieldCount, header: header, line: line, offset: lineStart)
                table.dimension = fieldCount - (labelIndex == nil ? 0 : 1)
                table.features.reserveCapacity(table.dimension * (bytes.count / (contentEnd - lineStart + 1) + 1))
            }
            // Fields are parsed as they are found: one pass, no per-line allocation.
            let expected = columns!
            var index = 0
            var fieldStart = lineStart
            var tooMany = false
            while true {
                var fieldEnd = fieldStart
                while fieldEnd < contentEnd, bytes[fieldEnd] != delimiter { fieldEnd += 1 }
                guard index < expected else {
                    tooMany = true
                    break
                }
                let range = fieldStart..<fieldEnd
                // Binary features (Purchase, Texas) are single digits: skip the general parser for them.
                let digit = fieldEnd == fieldStart + 1 ? bytes[fieldStart] &- UInt8(ascii: "0") : 10
                guard let value = digit < 10 ? Double(digit) : Self.number(bytes, range) else {
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
                index += 1
                if fieldEnd == contentEnd { break }
                fieldStart = fieldEnd + 1
            }
            if tooMany || index != expected {
                let found = fieldRanges(bytes, lineStart..<contentEnd).count
                throw DatasetError(
                    file: file, offset: lineStart, line: line,
                    reason: "\(found) fields, but the first row has \(expected)")
            }
        }
        guard columns != nil else {
            throw DatasetError(file: file, offset: bytes.count, reason: "no data rows")
        }
        return table
    }

    /// The ranges of the fields of one line's content.
    private func fieldRanges(_ bytes: UnsafeBufferPointer<UInt8>, _ content: Range<Int>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = content.lowerBound
        for index in content where bytes[index] == delimiter {
            ranges.append(start..<index)
            start = index + 1
        }
        ranges.append(start..<content.upperBound)
        return ranges
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
