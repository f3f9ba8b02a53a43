import Foundation

extension NpyArray {
    /// Reads and validates a `.npy` file; the array is named after the file (without `.npy`).
    ///
    /// - Throws: ``DatasetError`` if the file is missing or unreadable, or as ``parse(_:name:file:)``.
    public static func read(contentsOf url: URL) throws(DatasetError) -> NpyArray {
        try parse(DatasetFile.bytes(of: url), name: url.deletingPathExtension().lastPathComponent, file: url.path)
    }

    /// Parses `.npy` content (format versions 1, 2 and 3) of one of the ``NpyDType`` element types,
    /// in C order.
    ///
    /// - Parameters:
    ///   - name: the array's name (its key in an `.npz` archive).
    ///   - file: the file name used in errors.
    /// - Throws: ``DatasetError`` naming the offset of a wrong magic number or version, a malformed
    ///   header, an unsupported element type or Fortran order, or a length that disagrees with the shape.
    public static func parse(_ data: Data, name: String = "", file: String) throws(DatasetError) -> NpyArray {
        let bytes = [UInt8](data)
        let (fields, headerStart, payloadOffset) = try NpyHeader.read(bytes, file: file)
        guard let dtype = NpyDType(rawValue: fields.descr) else {
            let supported = NpyDType.allCases.map(\.descriptor).joined(separator: ", ")
            throw DatasetError(
                file: file, offset: headerStart,
                reason: "unsupported element type '\(fields.descr)' (supported: \(supported))")
        }
        guard !fields.fortranOrder else {
            throw DatasetError(
                file: file, offset: headerStart, reason: "Fortran-order arrays are not supported; save in C order")
        }
        var total = 1
        for size in fields.shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow, product <= Int.max / dtype.itemSize else {
                throw DatasetError(file: file, offset: headerStart, reason: "shape \(fields.shape) is too large")
            }
            total = product
        }
        let expected = total * dtype.itemSize
        let available = bytes.count - payloadOffset
        if available < expected {
            let rowBytes = fields.shape.dropFirst().reduce(dtype.itemSize, *)
            let rows = fields.shape.first.map { "after \(rowBytes == 0 ? 0 : available / rowBytes) of \($0) rows" }
            throw DatasetError(
                file: file, offset: bytes.count,
                reason: "file ends \(rows ?? "before its element") (\(available) of \(expected) data bytes): truncated")
        }
        if available > expected {
            throw DatasetError(
                file: file, offset: payloadOffset + expected,
                reason: "\(available - expected) unexpected bytes after the \(total) elements")
        }
        return NpyArray(
            checkedName: name, shape: fields.shape, dtype: dtype, bytes: Data(bytes[payloadOffset...]),
            payloadOffset: payloadOffset)
    }

    /// Element `index` (in C order) as a `Double`; booleans are 0 or 1.
    func value(at index: Int) -> Double {
        bytes.withUnsafeBytes { Self.value(in: $0, at: index, type: dtype) }
    }

    private static func value(in raw: UnsafeRawBufferPointer, at index: Int, type: NpyDType) -> Double {
        let offset = index &* type.itemSize
        switch type {
        case .float32:
            return Double(
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))))
        case .float64:
            return Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        case .uint8: return Double(raw[offset])
        case .bool: return raw[offset] == 0 ? 0 : 1
        case .int32: return Double(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        case .int64: return Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
        }
    }

    /// All elements as `Float`s, checked to be finite.
    ///
    /// - Parameter file: the file name used in errors.
    /// - Throws: ``DatasetError`` at the offset of the first NaN or infinite element, naming its row
    ///   and column (row = index along the first dimension).
    public func floatValues(file: String) throws(DatasetError) -> [Float] {
        let total = count
        let type = dtype
        let values = [Float](unsafeUninitializedCapacity: total) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                for index in 0..<total { buffer[index] = Float(Self.value(in: raw, at: index, type: type)) }
            }
            initialized = total
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            let rowLength = shape.dropFirst().reduce(1, *)
            let (row, column) = rowLength == 0 ? (bad, 0) : bad.quotientAndRemainder(dividingBy: rowLength)
            throw DatasetError(
                file: file, offset: payloadOffset + bad * dtype.itemSize,
                reason: "row \(row), column \(column): feature value \(value(at: bad)) is not finite")
        }
        return values
    }
}
