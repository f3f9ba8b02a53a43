import Foundation
import MnemoData
import Testing

@Suite struct NumpyTests {
    let directory: TemporaryDirectory
    let features: NpyArray
    let labels: NpyArray

    init() throws {
        directory = try TemporaryDirectory()
        features = try NpyArray(name: "features", shape: [4, 3], values: (0..<12).map { Float($0) / 4 })
        labels = try NpyArray(name: "labels", shape: [4], values: [2, 0, 1, 2] as [Int64])
    }

    @Test func numpyWrittenFilesOfEveryTypeAreRead() throws {
        let expected: [Float] = [0.5, -1.25, 3.0, 2.0, 0.0, -0.125]
        let float32 = try NpyArray.parse(NumpyReference.float32, file: "f4.npy")
        #expect(float32.dtype == .float32)
        #expect(float32.shape == [2, 3])
        #expect(try float32.floatValues(file: "f4.npy") == expected)
        #expect(try NpyArray.parse(NumpyReference.float64, file: "f8.npy").floatValues(file: "f8.npy") == expected)
        let bytes = try NpyArray.parse(NumpyReference.uint8, file: "u1.npy")
        #expect(bytes.dtype == .uint8)
        #expect(try bytes.floatValues(file: "u1.npy") == [0, 1, 255, 7, 8, 9])
        let flags = try NpyArray.parse(NumpyReference.bool, file: "b1.npy")
        #expect(flags.shape == [2, 2])
        #expect(try flags.floatValues(file: "b1.npy") == [1, 0, 0, 1])
        let int64 = try NpyArray.parse(NumpyReference.int64, file: "i8.npy")
        #expect(int64.shape == [3])
        #expect(try int64.floatValues(file: "i8.npy") == [3, 0, 2])
        let int32 = try NpyArray.parse(NumpyReference.int32, file: "i4.npy")
        #expect(int32.shape == [2, 1])
        #expect(try int32.floatValues(file: "i4.npy") == [1, 2])
    }

    @Test func encodingRoundTripsAndMatchesNumpyBytes() throws {
        let reference = try NpyArray.parse(NumpyReference.float32, file: "f4.npy")
        #expect(reference.encoded() == NumpyReference.float32)
        #expect(try NpyArray.parse(features.encoded(), file: "x.npy").bytes == features.bytes)
    }

    @Test func npyFeatureAndLabelFilesGiveLabeledData() throws {
        let featureURL = try directory.write(features.encoded(), to: "x.npy")
        let labelURL = try directory.write(labels.encoded(), to: "y.npy")
        let data = try LabeledData.readNPY(features: featureURL, labels: labelURL, classCount: 3)
        #expect(data.dimension == 3)
        #expect(data.features == (0..<12).map { Float($0) / 4 })
        #expect(data.labels == [2, 0, 1, 2])
        let fromOne = try directory.write(NpyArray(name: "y1", shape: [4, 1], values: [3, 1, 2, 3] as [Int64]).encoded(), to: "y1.npy")
        let shifted = try LabeledData.readNPY(features: featureURL, labels: fromOne, classCount: 3, labelBase: 1)
        #expect(shifted.labels == data.labels)
        #expect(throws: DatasetError.self) {
            try LabeledData.readNPY(features: featureURL, labels: labelURL, classCount: 3, labelBase: 1)
        }
    }

    @Test func numpyWrittenArchiveWithOneHotLabels() throws {
        let url = try directory.write(NumpyReference.archive, to: "purchase.npz")
        let data = try LabeledData.readNPZ(url, classCount: 5)
        #expect(data.count == 3)
        #expect(data.dimension == 4)
        #expect(data.features == [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 1])
        #expect(data.labels == [4, 0, 2])
    }

    @Test(arguments: [true, false]) func archivesStoredOrDeflatedAreRead(compressed: Bool) throws {
        let url = try directory.write(
            DatasetFixtures.npz([("data", features), ("targets", labels)], compressed: compressed), to: "d.npz")
        let data = try LabeledData.readNPZ(url, featuresKey: "data", labelsKey: "targets", classCount: 3)
        #expect(data.labels == [2, 0, 1, 2])
        #expect(data.features.count == 12)
    }

    @Test func badMagicIsReportedAtOffsetZero() throws {
        var bytes = features.encoded()
        bytes[1] = UInt8(ascii: "M")
        let error = #expect(throws: DatasetError.self) { try NpyArray.parse(bytes, file: "x.npy") }
        #expect(error?.offset == 0)
        #expect(error?.reason.hasPrefix("bad magic number 93 4d 55 4d 50 59") == true)
    }

    @Test func truncatedArrayCountsWholeRows() throws {
        let cut = features.encoded().dropLast(13)
        let error = #expect(throws: DatasetError.self) { try NpyArray.parse(Data(cut), file: "x.npy") }
        #expect(error?.reason.contains("after 2 of 4 rows") == true)
        #expect(error?.offset == cut.count)
    }

    @Test func everyPrefixIsRejected() throws {
        let bytes = labels.encoded()
        for length in 0..<bytes.count {
            #expect(throws: DatasetError.self, "prefix of \(length) bytes") {
                try NpyArray.parse(bytes.prefix(length), file: "y.npy")
            }
        }
    }

    @Test func unsupportedTypesAndFortranOrderAreRejected() throws {
        let typeError = #expect(throws: DatasetError.self) {
            try NpyArray.parse(replacing("<f4", with: ">f4", in: features.encoded()), file: "x.npy")
        }
        #expect(typeError?.reason.contains("unsupported element type '>f4'") == true)
        #expect(typeError?.offset == 10)
        let orderError = #expect(throws: DatasetError.self) {
            try NpyArray.parse(replacing("False", with: "True ", in: features.encoded()), file: "x.npy")
        }
        #expect(orderError?.reason.contains("Fortran") == true)
        let headerError = #expect(throws: DatasetError.self) {
            try NpyArray.parse(replacing("'shape'", with: "'shope'", in: features.encoded()), file: "x.npy")
        }
        #expect(headerError?.reason.contains("no 'shape' field") == true)
    }

    /// `data` with the first occurrence of the ASCII text `old` replaced by `new` of the same length.
    private func replacing(_ old: String, with new: String, in data: Data) -> Data {
        var bytes = [UInt8](data)
        let pattern = Array(old.utf8)
        let start = (0...(bytes.count - pattern.count)).first { Array(bytes[$0..<($0 + pattern.count)]) == pattern }!
        bytes.replaceSubrange(start..<(start + pattern.count), with: Array(new.utf8))
        return Data(bytes)
    }

    @Test func nanFeatureNamesRowColumnAndOffset() throws {
        var values = (0..<12).map { Float($0) }
        values[7] = .nan
        let array = try NpyArray.parse(NpyArray(name: "x", shape: [4, 3], values: values).encoded(), file: "x.npy")
        let error = #expect(throws: DatasetError.self) {
            try LabeledData.fromNumpy(
                features: array, featuresFile: "x.npy", labels: labels, labelsFile: "y.npy", classCount: 3)
        }
        #expect(error?.file == "x.npy")
        #expect(error?.offset == 128 + 7 * 4)
        #expect(error?.reason.hasPrefix("row 2, column 1:") == true)
    }

    @Test func labelOutOfRangeNamesRowAndOffset() throws {
        let bad = try NpyArray(name: "y", shape: [4], values: [2, 0, 3, 2] as [Int64])
        let url = try directory.write(bad.encoded(), to: "y.npy")
        let featureURL = try directory.write(features.encoded(), to: "x.npy")
        let error = #expect(throws: DatasetError.self) {
            try LabeledData.readNPY(features: featureURL, labels: url, classCount: 3)
        }
        #expect(error?.file == url.path)
        #expect(error?.offset == 128 + 2 * 8)
        #expect(error?.reason == "label 3.0 of row 2 is outside 0...2")
    }

    @Test func oneHotRowsMustHoldASingleOne() throws {
        let twoHot = try NpyArray.parse(
            NpyArray(name: "y", shape: [4, 3], values: [0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 1] as [Float]).encoded(), file: "y.npy")
        let error = #expect(throws: DatasetError.self) {
            try LabeledData.fromNumpy(
                features: features, featuresFile: "x.npy", labels: twoHot, labelsFile: "y.npy", classCount: 3)
        }
        #expect(error?.reason == "row 2 of the one-hot labels has 2 non-zero entries, not a single 1")
        #expect(error?.offset == 128 + 2 * 3 * 4)
    }

    @Test func labelCountMustMatchRows() throws {
        let short = try NpyArray(name: "y", shape: [3], values: [0, 1, 2] as [Int64])
        #expect(throws: DatasetError.self) {
            try LabeledData.fromNumpy(
                features: features, featuresFile: "x.npy", labels: short, labelsFile: "y.npy", classCount: 3)
        }
    }

    @Test func missingMemberListsTheArchiveMembers() throws {
        let url = try directory.write(DatasetFixtures.npz([("x", features), ("y", labels)]), to: "d.npz")
        let error = #expect(throws: DatasetError.self) { try LabeledData.readNPZ(url, classCount: 3) }
        #expect(error?.reason == "no array 'features' (members: x.npy, y.npy)")
    }

    @Test func truncatedOrCorruptArchivesAreRejected() throws {
        let archive = try DatasetFixtures.npz([("features", features), ("labels", labels)])
        let truncated = try directory.write(archive.prefix(archive.count - 30), to: "cut.npz")
        let error = #expect(throws: DatasetError.self) { try LabeledData.readNPZ(truncated, classCount: 3) }
        #expect(error?.file == truncated.path)
        var corrupt = archive
        corrupt[50] ^= 0xFF
        corrupt[55] ^= 0xFF
        let corruptURL = try directory.write(corrupt, to: "corrupt.npz")
        #expect(throws: DatasetError.self) { try LabeledData.readNPZ(corruptURL, classCount: 3) }
    }
}
