import Foundation
import MnemoData
import MnemoTestSupport
import Testing
import ZIPFoundation

/// `.npy` headers and `.npz` archives, checked byte by byte and by loading them with NumPy.
@Suite final class NpzWriterTests: Sendable {
    /// A fresh directory per test, removed afterwards.
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("mnemo-npz-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// One array of every element type and several shapes, with values that catch byte-order,
    /// layout and precision mistakes.
    static func sampleArrays() throws -> [NpyArray] {
        [
            try NpyArray(
                name: "f32", shape: [2, 3], values: [Float(0.1), -1.5, .pi, .greatestFiniteMagnitude, 0, -0.0]),
            try NpyArray(name: "f64", shape: [4], values: [0.1, -2.25e-300, 1e300, .pi]),
            try NpyArray(name: "i64", shape: [2, 2], values: [Int64.min, Int64.max, -1, 1 << 40]),
            try NpyArray(name: "i32", shape: [3, 1, 2], values: [Int32.min, Int32.max, -7, 0, 1, 65_536]),
            try NpyArray(name: "u8", shape: [5], values: [0, 1, 127, 128, 255] as [UInt8]),
            try NpyArray(name: "flags", shape: [2, 2], values: [true, false, false, true]),
            try NpyArray(name: "scalar", shape: [], values: [42.5]),
            try NpyArray(name: "empty", shape: [0, 3], values: [Float]()),
        ]
    }

    /// Each element of `array` as a comparable key: integers in decimal, floats as the bit pattern
    /// of their value widened to Double (so -0.0 and 0.0 differ).
    static func elementKeys(of array: NpyArray) -> [String] {
        switch array.dtype {
        case .float32: elements(of: array, as: Float.self).map { String(Double($0).bitPattern) }
        case .float64: elements(of: array, as: Double.self).map { String($0.bitPattern) }
        case .int64: elements(of: array, as: Int64.self).map { String($0) }
        case .int32: elements(of: array, as: Int32.self).map { String($0) }
        case .uint8, .bool: elements(of: array, as: UInt8.self).map { String($0) }
        }
    }

    private static func elements<T: BitwiseCopyable>(of array: NpyArray, as type: T.Type) -> [T] {
        array.bytes.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count, by: MemoryLayout<T>.size).map {
                raw.loadUnaligned(fromByteOffset: $0, as: T.self)
            }
        }
    }

    /// The same keys from the strings the NumPy loader printed.
    static func elementKeys(fromNumPy values: [String], dtype: NpyDType) -> [String] {
        switch dtype {
        case .float32, .float64: values.map { Double($0).map { String($0.bitPattern) } ?? "unparsable \($0)" }
        case .int64, .int32, .uint8, .bool: values
        }
    }
}

extension NpzWriterTests {
    @Test(arguments: [
        (shape: [3, 4], text: "(3, 4)"), (shape: [7], text: "(7,)"), (shape: [], text: "()"),
        (shape: [2, 0, 5], text: "(2, 0, 5)"),
    ])
    func headerIsVersionOneAlignedToSixtyFourBytes(shape: [Int], text: String) throws {
        let array = try NpyArray(
            name: "x", shape: shape, dtype: .float32, bytes: Data(count: 4 * shape.reduce(1, *)))
        let header = array.header
        #expect(Array(header.prefix(8)) == [0x93] + Array("NUMPY".utf8) + [1, 0])
        #expect(header.count % 64 == 0)
        let length = Int(header[8]) | Int(header[9]) << 8
        #expect(length == header.count - 10)
        let dictionary = String(decoding: header.dropFirst(10), as: UTF8.self)
        #expect(dictionary.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': \(text), }"))
        #expect(dictionary.hasSuffix(" \n") || dictionary.hasSuffix("}\n"))
        #expect(dictionary.dropLast().allSatisfy { $0 != "\n" })
    }

    @Test func shapesThatDoNotFitTheValuesAreRejected() throws {
        let mismatch = try #require(throws: NpzError.self) {
            try NpyArray(name: "margins", shape: [3, 4], values: [Float](repeating: 0, count: 10))
        }
        #expect(mismatch.array == "margins")
        #expect(
            mismatch.description == "array margins: shape [3, 4] of <f4 needs 48 bytes (12 elements) but 40 were given")
        #expect(throws: NpzError.self) { try NpyArray(name: "neg", shape: [-1, 2], dtype: .uint8, bytes: Data()) }
        #expect(throws: NpzError.self) {
            try NpyArray(name: "huge", shape: [Int.max, 2], dtype: .uint8, bytes: Data())
        }
    }

    @Test func duplicateNamesAreRejectedAndAnUnfinishedArchiveLeavesNoFile() throws {
        let url = directory.appendingPathComponent("dup.npz")
        do {
            let writer = try NpzWriter(url: url)
            try writer.append(NpyArray(name: "a", shape: [1], values: [Int32(1)]))
            let error = try #require(throws: NpzError.self) {
                try writer.append(NpyArray(name: "a", shape: [1], values: [Int32(2)]))
            }
            #expect(error.file == url.path)
            #expect(error.description == "\(url.path): array a is already in the archive")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(leftovers.isEmpty)
    }

    @Test(
        .enabled(if: NumPy.isAvailable, "needs python3 with numpy"),
        arguments: [NpzWriter.Compression.stored, .deflated])
    func numpyLoadsEveryArrayWithItsDtypeShapeAndValues(compression: NpzWriter.Compression) throws {
        let arrays = try Self.sampleArrays()
        let url = directory.appendingPathComponent("sample.npz")
        try Data("an older file to replace".utf8).write(to: url)
        try NpzWriter.write(arrays, to: url, compression: compression)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["sample.npz"])

        let loaded = try NumPy.load(url)
        #expect(Set(loaded.keys) == Set(arrays.map(\.name)))
        for array in arrays {
            let numpy = try #require(loaded[array.name])
            #expect(numpy.dtype == array.dtype.descriptor, "\(array.name)")
            #expect(numpy.shape == array.shape, "\(array.name)")
            #expect(numpy.cOrder, "\(array.name)")
            let values = try #require(numpy.values)
            #expect(
                Self.elementKeys(fromNumPy: values, dtype: array.dtype) == Self.elementKeys(of: array), "\(array.name)")
        }
    }

    @Test(arguments: [NpzWriter.Compression.stored, .deflated])
    func entriesCarryAFixedDateSoEqualArraysMakeEqualBytes(compression: NpzWriter.Compression) throws {
        let arrays = try Self.sampleArrays()
        let first = directory.appendingPathComponent("first.npz")
        let second = directory.appendingPathComponent("second.npz")
        try NpzWriter.write(arrays, to: first, compression: compression)
        try NpzWriter.write(arrays, to: second, compression: compression)
        #expect(try Data(contentsOf: first) == Data(contentsOf: second))
        // The time of writing is nowhere in the archive: every entry says 1980-01-01 00:00 UTC.
        let archive = try Archive(url: first, accessMode: .read)
        let dates = archive.map { $0.fileAttributes[.modificationDate] as? Date }
        #expect(dates.count == arrays.count)
        #expect(dates.allSatisfy { $0 == NpzWriter.entryDate }, "\(dates)")
        #expect(NpzWriter.entryDate == ISO8601DateFormatter().date(from: "1980-01-01T00:00:00Z"))
    }

    @Test(arguments: [NpzWriter.Compression.stored, .deflated])
    func theReaderReadsBackWhatTheWriterWrote(compression: NpzWriter.Compression) throws {
        let arrays = try Self.sampleArrays()
        let url = directory.appendingPathComponent("round.npz")
        try NpzWriter.write(arrays, to: url, compression: compression)
        let read = try NpzReader.read(contentsOf: url, names: arrays.map(\.name))
        for array in arrays {
            let back = try #require(read[array.name])
            #expect(back.name == array.name)
            #expect(back.shape == array.shape, "\(array.name)")
            #expect(back.dtype == array.dtype, "\(array.name)")
            #expect(back.bytes == array.bytes, "\(array.name)")
            #expect(back.payloadOffset == array.header.count, "\(array.name)")
        }
    }

    @Test(.enabled(if: NumPy.isAvailable, "needs python3 with numpy"))
    func largeArraysStreamIntoTheArchive() throws {
        let (rows, columns) = (100, 60_000)
        var values = [UInt8](repeating: 0, count: rows * columns)
        for index in values.indices {
            values[index] = UInt8(truncatingIfNeeded: (index &* 2_654_435_761) >> 13)
        }
        let big = try NpyArray(name: "correct", shape: [rows, columns], values: values)
        let url = directory.appendingPathComponent("big.npz")
        let writer = try NpzWriter(url: url, compression: .deflated)
        try writer.append(big)
        try writer.append(NpyArray(name: "labels", shape: [columns], values: [Int64](repeating: 3, count: columns)))
        try writer.finish()

        let loaded = try NumPy.load(url)
        let numpy = try #require(loaded["correct"])
        #expect(numpy.shape == [rows, columns])
        #expect(numpy.dtype == "|u1")
        let expectedSums = (0..<rows).map { row in
            String(values[(row * columns)..<((row + 1) * columns)].reduce(0) { $0 + Int($1) })
        }
        #expect(numpy.rowSums == expectedSums)
        #expect(loaded["labels"]?.rowSums == [String(3 * columns)])
    }

    @Test(.enabled(if: NumPy.isAvailable, "needs python3 with numpy"))
    func standaloneNpyFilesLoadWithNumPy() throws {
        let array = try NpyArray(name: "m", shape: [2, 3], values: [1.5, -2, 0, 3, 4.25, 1e-10])
        let url = directory.appendingPathComponent("m.npy")
        try array.write(to: url)
        let numpy = try #require(try NumPy.load(url)[""])
        #expect(numpy.dtype == "<f8")
        #expect(numpy.shape == [2, 3])
        #expect(numpy.values?.compactMap(Double.init) == [1.5, -2, 0, 3, 4.25, 1e-10])
    }
}
