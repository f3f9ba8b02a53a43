import Foundation
import MnemoCore

/// The header of a `.npy` file: the three fields of its Python dict literal that define the array,
/// with the preamble around them. The one place the header is read and written.
///
/// Layout: the magic `93 4e 55 4d 50 59` ("\x93NUMPY"), major and minor version bytes, the header
/// length (little-endian, 2 bytes in version 1, 4 bytes later), a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and ended by a
/// newline, then the elements.
struct NpyHeader {
    /// The `.npy` magic bytes.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    let descr: String
    let fortranOrder: Bool
    let shape: [Int]

    /// The header of a C-order array of `dtype` with `shape`.
    init(dtype: NpyDType, shape: [Int]) {
        descr = dtype.descriptor
        fortranOrder = false
        self.shape = shape
    }

    /// The version 1.0 encoding: magic, version, header length and the header dictionary, padded
    /// with spaces and a newline so the data starts at a multiple of 64 bytes.
    var encoded: Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(\(shape.map(String.init).joined(separator: ", ")))"
        let order = fortranOrder ? "True" : "False"
        let dictionary = "{'descr': '\(descr)', 'fortran_order': \(order), 'shape': \(shapeText), }"
        let prefixLength = Self.magic.count + 4  // magic, version (2), header length (2)
        let unpadded = prefixLength + dictionary.utf8.count + 1
        let padding = (64 - unpadded % 64) % 64
        let text = dictionary + String(repeating: " ", count: padding) + "\n"
        let textLength = UInt16(text.utf8.count)
        var header = Data(Self.magic)
        header.append(contentsOf: [1, 0, UInt8(textLength & 0xFF), UInt8(textLength >> 8)])
        header.append(contentsOf: text.utf8)
        return header
    }

    /// Reads the preamble and header of `.npy` content (format versions 1, 2 and 3).
    ///
    /// - Parameter file: the file name used in errors.
    /// - Returns: the header, where its dict literal starts and where the elements start.
    /// - Throws: ``DatasetError`` naming the offset of a wrong magic number or version, content that
    ///   ends inside the preamble or header, or a malformed header.
    static func read(
        _ bytes: [UInt8], file: String
    ) throws(DatasetError) -> (header: NpyHeader, headerStart: Int, payloadOffset: Int) {
        guard bytes.count >= 8 else {
            throw DatasetError(file: file, offset: bytes.count, reason: "file ends inside the 8-byte .npy preamble")
        }
        guard Array(bytes[0..<6]) == magic else {
            let found = Hex.string(bytes[0..<6], separator: " ")
            throw DatasetError(
                file: file, offset: 0, reason: "bad magic number \(found): a .npy file starts with 93 NUMPY")
        }
        let major = bytes[6]
        guard (1...3).contains(major) else {
            throw DatasetError(file: file, offset: 6, reason: "unsupported .npy format version \(major).\(bytes[7])")
        }
        let lengthSize = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthSize else {
            throw DatasetError(file: file, offset: bytes.count, reason: "file ends inside the header length")
        }
        let headerLength = (0..<lengthSize).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        let headerStart = 8 + lengthSize
        let payloadOffset = headerStart + headerLength
        guard bytes.count >= payloadOffset else {
            throw DatasetError(
                file: file, offset: bytes.count, reason: "file ends inside the \(headerLength)-byte header")
        }
        guard let text = String(bytes: bytes[headerStart..<payloadOffset], encoding: .utf8) else {
            throw DatasetError(file: file, offset: headerStart, reason: "the header is not UTF-8 text")
        }
        return (try NpyHeader(text, file: file, offset: headerStart), headerStart, payloadOffset)
    }

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
