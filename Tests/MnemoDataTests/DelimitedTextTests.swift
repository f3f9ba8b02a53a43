import Foundation
import MnemoCore
import MnemoData
import Testing

@Suite struct DelimitedTextTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    @Test func labelColumnMayBeFirstLastIndexedOrNamed() throws {
        let text = Data("x,label,y\r\n0.5,2,-1\r\n1e-3, 0 ,4\r\n".utf8)
        let named = try LabeledData.parseCSV(
            text, file: "t.csv", format: CSVFormat(hasHeader: true, labelColumn: .named("label")), classCount: 3)
        #expect(named.labels == [2, 0])
        #expect(named.features == [0.5, -1, 0.001, 4])
        let indexed = try LabeledData.parseCSV(
            text, file: "t.csv", format: CSVFormat(hasHeader: true, labelColumn: .index(1)), classCount: 3)
        #expect(indexed == named)
        let last = try LabeledData.parseCSV(
            Data("1;2;1\n3;4;2\n".utf8), file: "t.csv",
            format: CSVFormat(delimiter: ";", labelColumn: .last, labelBase: 1),
            classCount: 2)
        #expect(last.labels == [0, 1])
        #expect(last.features == [1, 2, 3, 4])
    }

    @Test func rowOfOtherLengthNamesLineAndOffset() throws {
        let text = Data("1,0,1\n2,1,1\n3,1\n".utf8)
        let error = #expect(throws: DatasetError.self) {
            try LabeledData.parseCSV(text, file: "t.csv", format: CSVFormat(), classCount: 4)
        }
        #expect(error?.line == 3)
        #expect(error?.offset == 12)
        #expect(error?.description == "t.csv: line 3 (offset 12): 2 fields, but the first row has 3")
        let long = #expect(throws: DatasetError.self) {
            try LabeledData.parseCSV(Data("1,0\n2,1,5\n".utf8), file: "t.csv", format: CSVFormat(), classCount: 4)
        }
        #expect(long?.reason == "3 fields, but the first row has 2")
        #expect(long?.line == 2)
    }

    @Test func nanFeatureAndBadNumbersAreReported() throws {
        let nan = #expect(throws: DatasetError.self) {
            try LabeledData.parseCSV(Data("1,0.5\n2,nan\n".utf8), file: "t.csv", format: CSVFormat(), classCount: 3)
        }
        #expect(nan?.line == 2)
        #expect(nan?.offset == 8)
        #expect(nan?.reason.contains("not a finite number") == true)
        let word = #expect(throws: DatasetError.self) {
            try LabeledData.parseCSV(Data("1,0.5x\n".utf8), file: "t.csv", format: CSVFormat(), classCount: 3)
        }
        #expect(word?.reason == "field 2 \"0.5x\" is not a number")
    }

    @Test func labelsMustBeIntegersInRange() throws {
        for (text, reason) in [
            ("1,0\n3,1\n", "label 3 is not an integer in 0...2"), ("1.5,0\n", "label 1.5 is not an integer in 0...2"),
            ("-1,0\n", "label -1 is not an integer in 0...2"), ("1e300,0\n", "label 1e300 is not an integer in 0...2"),
        ] {
            let error = #expect(throws: DatasetError.self) {
                try LabeledData.parseCSV(Data(text.utf8), file: "t.csv", format: CSVFormat(), classCount: 3)
            }
            #expect(error?.reason == reason)
        }
    }

    @Test func blankLinesInsideAndEmptyFilesAreRejected() throws {
        let blank = #expect(throws: DatasetError.self) {
            try LabeledData.parseCSV(Data("1,0\n\n2,1\n".utf8), file: "t.csv", format: CSVFormat(), classCount: 3)
        }
        #expect(blank?.line == 2)
        #expect(throws: DatasetError.self) {
            try LabeledData.parseCSV(Data(), file: "t.csv", format: CSVFormat(), classCount: 3)
        }
        let trailing = try LabeledData.parseCSV(
            Data("1,0\n2,1\n\n\n".utf8), file: "t.csv", format: CSVFormat(), classCount: 3)
        #expect(trailing.count == 2)
    }

    @Test func gzippedTextReadsLikePlainText() throws {
        let text = DatasetFixtures.csv([["2", "0.25", "1"], ["0", "-3", "8"]])
        let plain = try directory.write(text, to: "d.csv")
        let gzipped = try directory.write(Fixtures.gzip(text), to: "d.csv.gz")
        let expected = try LabeledData.readCSV(plain, format: CSVFormat(), classCount: 3)
        #expect(try LabeledData.readCSV(gzipped, format: CSVFormat(), classCount: 3) == expected)
        #expect(expected.features == [0.25, 1, -3, 8])
    }

    @Test func purchaseTextCountsLabelsFromOne() throws {
        let rows = (0..<5).map { row in [String(row * 20 + 1)] + (0..<600).map { String(($0 + row) % 3 == 0 ? 1 : 0) } }
        let url = try directory.write(DatasetFixtures.csv(rows), to: Purchase100.textFileName)
        let data = try Purchase100.readText(url)
        #expect(data.labels == [0, 20, 40, 60, 80])
        #expect(data.dimension == 600)
        #expect(data.features[600 + 2] == 1)
        #expect(data.features[600 + 1] == 0)

        let zero = [["0"] + (0..<600).map { _ in "0" }]
        let zeroURL = try directory.write(DatasetFixtures.csv(rows + zero), to: "zero")
        let error = #expect(throws: DatasetError.self) { try Purchase100.readText(zeroURL) }
        #expect(error?.line == 6)
        #expect(error?.reason == "label 0 is not an integer in 1...100")

        let narrow = try directory.write(DatasetFixtures.csv([["1", "0", "1"]]), to: "narrow")
        let narrowError = #expect(throws: DatasetError.self) { try Purchase100.readText(narrow) }
        #expect(narrowError?.reason == "rows hold 2 features; Purchase-100 has 600")
    }

    @Test func texasTextPairsFeatureAndLabelFiles() throws {
        let features = (0..<3).map { row in (0..<Texas100.featureCount).map { String(($0 * 7 + row) % 5 == 0 ? 1 : 0) }
        }
        let featureURL = try directory.write(DatasetFixtures.csv(features), to: "feats")
        let labelURL = try directory.write(Data("100\n1\n37\n".utf8), to: "labels")
        let data = try Texas100.readText(features: featureURL, labels: labelURL)
        #expect(data.labels == [99, 0, 36])
        #expect(data.dimension == 6169)
        #expect(data.features[6169 + 2] == 1)

        let short = try directory.write(Data("100\n1\n".utf8), to: "short")
        let error = #expect(throws: DatasetError.self) { try Texas100.readText(features: featureURL, labels: short) }
        #expect(error?.file == short.path)
        #expect(error?.reason == "holds 2 labels but feats holds 3 rows")
    }

    @Test func purchaseAndTexasReadTheirNPZForm() throws {
        let features = try NpyArray(name: "features", shape: [2, 600], values: (0..<1200).map { UInt8($0 % 2) })
        let url = try directory.write(
            DatasetFixtures.npz([
                ("features", features), ("labels", NpyArray(name: "labels", shape: [2], values: [99, 5] as [Int64])),
            ]),
            to: "purchase100.npz")
        let data = try Purchase100.readNPZ(url)
        #expect(data.labels == [99, 5])
        #expect(throws: DatasetError.self) { try Texas100.readNPZ(url) }
    }

    @Test func randomSplitIsADeterministicPartition() throws {
        let data = LabeledData(
            features: (0..<50).map(Float.init), labels: (0..<50).map { Int32($0 % 4) }, dimension: 1, classCount: 4)
        let split = try DatasetSplits.randomSplit(data, testCount: 10, seed: 3, source: "p")
        let again = try DatasetSplits.randomSplit(data, testCount: 10, seed: 3, source: "p")
        let other = try DatasetSplits.randomSplit(data, testCount: 10, seed: 4, source: "p")
        #expect(split == again)
        #expect(split.test != other.test)
        #expect(split.test.count == 10)
        #expect(Set(split.train.features + split.test.features) == Set(data.features))
        #expect(split.train.features == split.train.features.sorted())
        #expect(throws: DatasetError.self) { try DatasetSplits.randomSplit(data, testCount: 50, seed: 3, source: "p") }
    }
}
