import Foundation
import MnemoCore
import Testing

/// The dataset summary a sweep stores: where each example came from, and summaries stored before
/// that was recorded.
@Suite struct DatasetSummaryTests {
    @Test func sourceIndicesRoundTripThroughTheStoredJSON() throws {
        let summary = DatasetSummary(
            contentHash: "abc", classCount: 2, trainLabels: [0, 1, 1], originalTrainLabels: [0, 1, 0],
            testLabels: [1, 0], flippedIndices: [2], trainSourceIndices: [4, 9, 17], testSourceIndices: [3, 5])
        let decoded = try JSONDecoder().decode(DatasetSummary.self, from: JSONEncoder().encode(summary))
        #expect(decoded == summary)
        #expect(decoded.trainSourceIndices == [4, 9, 17])
        #expect(decoded.testSourceIndices == [3, 5])
    }

    @Test func aSummaryStoredBeforeSourceIndicesDecodesWithEveryExampleInOrder() throws {
        let stored = """
            {"contentHash":"abc","classCount":2,"trainLabels":[0,1,1,0],"originalTrainLabels":[0,1,1,0],
             "testLabels":[1,0],"flippedIndices":[]}
            """
        let decoded = try JSONDecoder().decode(DatasetSummary.self, from: Data(stored.utf8))
        #expect(decoded.trainSourceIndices == [0, 1, 2, 3])
        #expect(decoded.testSourceIndices == [0, 1])
        #expect(decoded.contentHash == "abc" && decoded.trainLabels == [0, 1, 1, 0])
    }

    @Test func aSummaryWhoseIndicesDoNotFitItsExamplesIsRefused() throws {
        let damaged = """
            {"contentHash":"abc","classCount":2,"trainLabels":[0,1,1],"originalTrainLabels":[0,1,1],
             "testLabels":[1,0],"flippedIndices":[],"trainSourceIndices":[0,5],"testSourceIndices":[0,1]}
            """
        let error = try #require(throws: DecodingError.self) {
            try JSONDecoder().decode(DatasetSummary.self, from: Data(damaged.utf8))
        }
        #expect("\(error)".contains("2 source indices for 3 examples"), "\(error)")
    }
}
