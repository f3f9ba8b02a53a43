import Foundation
import MnemoData
import Testing

@Suite struct CIFARTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    @Test func cifar10BatchesConcatenateInFileOrderWithScaledCHWPixels() throws {
        for (batch, name) in CIFAR10.trainFileNames.enumerated() {
            try directory.write(
                DatasetFixtures.cifarBatch(count: 3) { [UInt8((batch * 3 + $0) % 10)] }, to: name)
        }
        try directory.write(DatasetFixtures.cifarBatch(count: 2) { [UInt8(9 - $0)] }, to: CIFAR10.testFileName)
        let splits = try CIFAR10.load(directory: directory.url)
        #expect(splits.train.count == 15)
        #expect(splits.test.count == 2)
        #expect(splits.train.dimension == 3 * 32 * 32)
        #expect(splits.train.labels == (0..<15).map { Int32($0 % 10) })
        #expect(splits.test.labels == [9, 8])
        // Record 1 of the second batch is example 4; its green pixel at row 2, column 5 is byte
        // 1024 + 2·32 + 5 of the record's pixels.
        let feature = 1024 + 2 * 32 + 5
        #expect(splits.train.features[4 * 3072 + feature] == Float((1 * 31 + feature) % 256) / 255)
        #expect(splits.train.features.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func cifar100ReadsFineOrCoarseLabels() throws {
        let batch = DatasetFixtures.cifarBatch(count: 4) { [UInt8($0 * 5), UInt8($0 * 25 + 3)] }
        try directory.write(batch, to: CIFAR100.trainFileName)
        try directory.write(batch, to: CIFAR100.testFileName)
        let fine = try CIFAR100.load(directory: directory.url)
        let coarse = try CIFAR100.load(directory: directory.url, coarse: true)
        #expect(fine.train.labels == [3, 28, 53, 78])
        #expect(fine.train.classCount == 100)
        #expect(coarse.train.labels == [0, 5, 10, 15])
        #expect(coarse.train.classCount == 20)
        #expect(fine.train.features == coarse.train.features)
        #expect(fine.train.features[3072 + 7] == Float((31 + 7) % 256) / 255)
    }

    @Test func truncatedBatchNamesTheIncompleteRecord() throws {
        let batch = DatasetFixtures.cifarBatch(count: 3) { [UInt8($0)] }
        let url = try directory.write(batch.dropLast(100), to: "data_batch_1.bin")
        let error = #expect(throws: DatasetError.self) {
            try LabeledData.readCIFAR(batches: [url], layout: .cifar10)
        }
        #expect(error?.file == url.path)
        #expect(error?.offset == 2 * 3073)
        #expect(error?.reason.contains("2973 bytes into record 2") == true)
    }

    @Test func labelOutOfRangeNamesItsByte() throws {
        let batch = DatasetFixtures.cifarBatch(count: 3) { $0 == 2 ? [10] : [UInt8($0)] }
        let url = try directory.write(batch, to: "test_batch.bin")
        let error = #expect(throws: DatasetError.self) {
            try LabeledData.readCIFAR(batches: [url], layout: .cifar10)
        }
        #expect(error?.offset == 2 * 3073)
        #expect(error?.reason == "label 10 of record 2 is outside 0..<10")
    }

    @Test func cifar100FileReadWithTheCIFAR10LayoutIsRejected() throws {
        let batch = DatasetFixtures.cifarBatch(count: 3) { [UInt8($0), UInt8($0)] }
        let url = try directory.write(batch, to: "train.bin")
        #expect(throws: DatasetError.self) { try LabeledData.readCIFAR(batches: [url], layout: .cifar10) }
    }

    @Test func missingAndEmptyBatchesAreReported() throws {
        let missing = directory.url.appendingPathComponent("data_batch_1.bin")
        let error = #expect(throws: DatasetError.self) { try CIFAR10.load(directory: directory.url) }
        #expect(error?.file == missing.path)
        #expect(error?.reason == "no such file")
        let empty = try directory.write(Data(), to: "empty.bin")
        let emptyError = #expect(throws: DatasetError.self) {
            try LabeledData.readCIFAR(batches: [empty], layout: .cifar100Fine)
        }
        #expect(emptyError?.offset == 0)
    }
}
