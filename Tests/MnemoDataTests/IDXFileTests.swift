import Foundation
import MnemoData
import Testing

@Suite struct IDXFileTests {
    let directory: TemporaryDirectory
    let images = Fixtures.images(count: 40, rows: 3, columns: 4)
    let labels = Fixtures.labels(count: 40, classCount: 5)

    init() throws {
        directory = try TemporaryDirectory()
    }

    @Test func rawFilesGiveScaledFeaturesAndLabels() throws {
        let imageURL = try directory.write(images.encoded(), to: "images-idx3-ubyte")
        let labelURL = try directory.write(labels.encoded(), to: "labels-idx1-ubyte")
        let data = try LabeledData.readIDX(images: imageURL, labels: labelURL, classCount: 5)
        #expect(data.count == 40)
        #expect(data.dimension == 12)
        #expect(data.classCount == 5)
        #expect(data.features == images.elements.map { Float($0) / 255 })
        #expect(data.labels == labels.elements.map(Int32.init))
        #expect(data.features.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func gzippedFilesReadLikeRawOnes() throws {
        let raw = try IDXFile.read(contentsOf: directory.write(images.encoded(), to: "images"))
        let gzipped = try IDXFile.read(contentsOf: directory.write(Fixtures.gzip(images.encoded()), to: "images.gz"))
        #expect(gzipped == raw)
        #expect(gzipped.dimensions == [40, 3, 4])
    }

    @Test func gzipOptionalHeaderFieldsAreSkipped() throws {
        let header = Fixtures.GzipHeader(
            extra: [UInt8](repeating: 7, count: 510), name: "labels-idx1-ubyte", comment: "fixture", headerCRC: true)
        let url = try directory.write(Fixtures.gzip(labels.encoded(), header: header), to: "labels.gz")
        #expect(try IDXFile.read(contentsOf: url) == labels)
    }

    @Test func truncatedLabelsNameTheCompleteCount() throws {
        let cut = labels.encoded().dropLast(8)
        let url = try directory.write(Data(cut), to: "t10k-labels-idx1-ubyte")
        let error = #expect(throws: DatasetError.self) { try IDXFile.read(contentsOf: url, itemName: "labels") }
        #expect(error?.offset == 8)
        #expect(error?.description == "\(url.path): offset 8: file ends after 32 of 40 labels")
    }

    @Test func truncatedImagesCountWholeImages() throws {
        let cut = images.encoded().dropLast(13)
        let error = #expect(throws: DatasetError.self) {
            try IDXFile.parse(Data(cut), file: "images", itemName: "images")
        }
        #expect(error?.reason == "file ends after 38 of 40 images")
        #expect(error?.offset == 16)
    }

    @Test func trailingBytesAreRejected() throws {
        let error = #expect(throws: DatasetError.self) {
            try IDXFile.parse(labels.encoded() + Data([7, 7]), file: "labels", itemName: "labels")
        }
        #expect(error?.offset == 48)
        #expect(error?.reason.contains("2 unexpected bytes") == true)
    }

    @Test func truncatedGzipIsReported() throws {
        let gzipped = try Fixtures.gzip(images.encoded())
        let url = try directory.write(gzipped.prefix(gzipped.count / 2), to: "images.gz")
        let error = #expect(throws: DatasetError.self) { try IDXFile.read(contentsOf: url) }
        #expect(error?.reason.contains("truncated") == true)
    }

    @Test func everyGzipPrefixIsRejected() throws {
        let gzipped = try Fixtures.gzip(images.encoded())
        for length in 0..<gzipped.count {
            #expect(throws: DatasetError.self, "prefix of \(length) bytes") {
                try IDXFile.parse(gzipped.prefix(length), file: "images.gz")
            }
        }
    }

    @Test func wrongMagicNumberIsReported() throws {
        var bytes = [UInt8](labels.encoded())
        bytes[0] = 0x50
        let error = #expect(throws: DatasetError.self) { try IDXFile.parse(Data(bytes), file: "labels") }
        #expect(error?.offset == 0)
        #expect(error?.reason.hasPrefix("bad magic number 50 00 08 01") == true)
    }

    @Test func unsupportedElementTypeIsReported() throws {
        var bytes = [UInt8](labels.encoded())
        bytes[2] = 0x0D
        let error = #expect(throws: DatasetError.self) { try IDXFile.parse(Data(bytes), file: "labels") }
        #expect(error?.offset == 2)
        #expect(error?.reason.contains("0x0d") == true)
    }

    @Test func labelOutOfRangeNamesExampleAndOffset() throws {
        var values = labels.elements
        values[17] = 12
        let imageURL = try directory.write(images.encoded(), to: "images")
        let labelURL = try directory.write(IDXFile(dimensions: [40], elements: values).encoded(), to: "labels")
        let error = #expect(throws: DatasetError.self) {
            try LabeledData.readIDX(images: imageURL, labels: labelURL, classCount: 5)
        }
        #expect(error?.file == labelURL.path)
        #expect(error?.offset == 8 + 17)
        #expect(error?.reason == "label 12 of example 17 is outside 0..<5")
    }

    @Test func differingCountsAreReported() throws {
        let imageURL = try directory.write(images.encoded(), to: "images")
        let labelURL = try directory.write(Fixtures.labels(count: 39, classCount: 5).encoded(), to: "labels")
        let error = #expect(throws: DatasetError.self) {
            try LabeledData.readIDX(images: imageURL, labels: labelURL, classCount: 5)
        }
        #expect(error?.reason == "holds 39 labels but images holds 40 images")
    }

    @Test func badGzipCRCIsReported() throws {
        var gzipped = [UInt8](try Fixtures.gzip(images.encoded()))
        gzipped[gzipped.count - 8] ^= 0xFF
        let url = try directory.write(Data(gzipped), to: "images.gz")
        let error = #expect(throws: DatasetError.self) { try IDXFile.read(contentsOf: url) }
        #expect(error?.offset == gzipped.count - 8)
        #expect(error?.reason.hasPrefix("gzip: CRC-32 mismatch") == true)
    }

    @Test func badGzipSizeIsReported() throws {
        var gzipped = [UInt8](try Fixtures.gzip(images.encoded()))
        gzipped[gzipped.count - 4] ^= 0x01
        let error = #expect(throws: DatasetError.self) {
            try IDXFile.read(contentsOf: directory.write(Data(gzipped), to: "images.gz"))
        }
        #expect(error?.offset == gzipped.count - 4)
        #expect(error?.reason.hasPrefix("gzip: the data inflates to 496 bytes but the trailer says 497") == true)
    }

    @Test func badGzipHeaderCRCIsReported() throws {
        var gzipped = [UInt8](try Fixtures.gzip(labels.encoded(), header: .init(name: "x", headerCRC: true)))
        gzipped[12] ^= 0x01
        let error = #expect(throws: DatasetError.self) {
            try IDXFile.read(contentsOf: directory.write(Data(gzipped), to: "labels.gz"))
        }
        #expect(error?.offset == 12)
        #expect(error?.reason.hasPrefix("gzip: header CRC mismatch") == true)
    }

    @Test func corruptDeflateDataIsReported() throws {
        var gzipped = [UInt8](try Fixtures.gzip(images.encoded()))
        for index in 12..<20 { gzipped[index] = 0xFF }
        let error = #expect(throws: DatasetError.self) {
            try IDXFile.read(contentsOf: directory.write(Data(gzipped), to: "images.gz"))
        }
        #expect(error?.reason.hasPrefix("gzip: ") == true)
    }

    @Test func wrongCompressionMethodIsReported() throws {
        var gzipped = [UInt8](try Fixtures.gzip(labels.encoded()))
        gzipped[2] = 7
        let error = #expect(throws: DatasetError.self) {
            try IDXFile.read(contentsOf: directory.write(Data(gzipped), to: "labels.gz"))
        }
        #expect(error?.offset == 2)
    }

    @Test func missingFashionMNISTFileSuggestsThePackage() throws {
        let error = #expect(throws: DatasetError.self) { try FashionMNIST.load(directory: directory.url) }
        #expect(error?.file == directory.url.appendingPathComponent("train-images-idx3-ubyte.gz").path)
        #expect(error?.description.contains("apt-get install dataset-fashion-mnist") == true)
    }
}
