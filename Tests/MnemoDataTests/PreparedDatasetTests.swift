import Foundation
import MnemoCore
import MnemoData
import Testing

@Suite struct PreparedDatasetTests {
    /// 500 training and 200 test examples of 5 classes whose first feature is the example's index,
    /// so every selected row can be traced back to its source.
    let splits: DatasetSplits = {
        func split(_ count: Int, offset: Float) -> LabeledData {
            LabeledData(
                features: (0..<count).flatMap { [Float($0) + offset, Float($0 % 7), 0.5] },
                labels: (0..<count).map { Int32($0 * 3 % 5) }, dimension: 3, classCount: 5)
        }
        return DatasetSplits(source: "synthetic", train: split(500, offset: 0), test: split(200, offset: 0.25))
    }()

    @Test func preparationIsDeterministic() throws {
        let first = try PreparedDataset.make(splits: splits, trainLimit: 120, testLimit: 50, seed: 7, labelNoise: 0.1)
        let second = try PreparedDataset.make(splits: splits, trainLimit: 120, testLimit: 50, seed: 7, labelNoise: 0.1)
        #expect(first.train == second.train)
        #expect(first.test == second.test)
        #expect(first.flippedIndices == second.flippedIndices)
        #expect(first.contentHash == second.contentHash)
        #expect(first.contentHash.count == 64)
    }

    @Test func anotherSeedSelectsOtherExamples() throws {
        let first = try PreparedDataset.make(splits: splits, trainLimit: 120, testLimit: 50, seed: 7, labelNoise: 0)
        let other = try PreparedDataset.make(splits: splits, trainLimit: 120, testLimit: 50, seed: 8, labelNoise: 0)
        #expect(first.trainSourceIndices != other.trainSourceIndices)
        #expect(first.testSourceIndices != other.testSourceIndices)
        #expect(first.contentHash != other.contentHash)
    }

    @Test func selectionKeepsSourceRowsInFileOrder() throws {
        let prepared = try PreparedDataset.make(splits: splits, trainLimit: 120, testLimit: 50, seed: 3, labelNoise: 0)
        #expect(prepared.train.count == 120)
        #expect(prepared.test.count == 50)
        #expect(prepared.trainSourceIndices == prepared.trainSourceIndices.sorted())
        #expect(Set(prepared.trainSourceIndices).count == 120)
        #expect(prepared.train == splits.train.selecting(prepared.trainSourceIndices))
        #expect(prepared.test == splits.test.selecting(prepared.testSourceIndices))
        for (row, source) in prepared.trainSourceIndices.enumerated() {
            #expect(prepared.train.features[row * 3] == Float(source))
        }
    }

    @Test func testSelectionDoesNotReuseTheTrainingDraw() throws {
        let twin = DatasetSplits(source: "twin", train: splits.train, test: splits.train)
        let prepared = try PreparedDataset.make(splits: twin, trainLimit: 100, testLimit: 100, seed: 11, labelNoise: 0)
        #expect(prepared.testSourceIndices != prepared.trainSourceIndices)
        let all = try PreparedDataset.make(splits: twin, trainLimit: 100, testLimit: nil, seed: 11, labelNoise: 0)
        #expect(all.trainSourceIndices == prepared.trainSourceIndices)
        #expect(all.testSourceIndices == Array(0..<500))
    }

    @Test(arguments: [(0.1, 12), (0.05, 6), (0.07, 8), (0.5, 60)])
    func labelNoiseFlipsExactlyFloorOfNoiseTimesN(noise: Double, expected: Int) throws {
        let prepared = try PreparedDataset.make(splits: splits, trainLimit: 120, testLimit: nil, seed: 5, labelNoise: noise)
        #expect(prepared.flippedIndices.count == expected)
        #expect(prepared.flippedIndices == prepared.flippedIndices.sorted())
        #expect(prepared.originalTrainLabels == prepared.trainSourceIndices.map { splits.train.labels[$0] })
        let flipped = Set(prepared.flippedIndices)
        for index in 0..<prepared.train.count {
            if flipped.contains(index) {
                #expect(prepared.train.labels[index] != prepared.originalTrainLabels[index])
            } else {
                #expect(prepared.train.labels[index] == prepared.originalTrainLabels[index])
            }
        }
        #expect(prepared.train.features == splits.train.selecting(prepared.trainSourceIndices).features)
    }

    @Test func noisyLabelsSpreadOverTheOtherClasses() throws {
        let prepared = try PreparedDataset.make(splits: splits, trainLimit: nil, testLimit: nil, seed: 9, labelNoise: 0.5)
        let offsets = prepared.flippedIndices.map {
            (Int(prepared.train.labels[$0]) - Int(prepared.originalTrainLabels[$0]) + 5) % 5
        }
        #expect(Set(offsets) == [1, 2, 3, 4])
    }

    @Test func hashCoversLabels() throws {
        let clean = try PreparedDataset.make(splits: splits, trainLimit: 120, testLimit: 50, seed: 7, labelNoise: 0)
        let noisy = try PreparedDataset.make(splits: splits, trainLimit: 120, testLimit: 50, seed: 7, labelNoise: 0.01)
        #expect(noisy.flippedIndices.count == 1)
        #expect(clean.trainSourceIndices == noisy.trainSourceIndices)
        #expect(clean.contentHash != noisy.contentHash)
    }

    @Test func noLimitKeepsEverythingInOrder() throws {
        let prepared = try PreparedDataset.make(splits: splits, trainLimit: nil, testLimit: nil, seed: 1, labelNoise: 0)
        #expect(prepared.train == splits.train)
        #expect(prepared.test == splits.test)
        #expect(prepared.flippedIndices.isEmpty)
    }

    @Test func limitBeyondTheSplitIsAnError() throws {
        let error = #expect(throws: DatasetError.self) {
            try PreparedDataset.make(splits: splits, trainLimit: 501, testLimit: nil, seed: 1, labelNoise: 0)
        }
        #expect(error?.description == "synthetic: training limit 501 is outside 1...500, the training examples available")
    }

    @Test func noiseOutOfRangeIsAnError() throws {
        #expect(throws: DatasetError.self) {
            try PreparedDataset.make(splits: splits, trainLimit: nil, testLimit: nil, seed: 1, labelNoise: 1)
        }
    }
}

/// Validation examples: drawn beside the studied ones, never among them.
extension PreparedDatasetTests {
    @Test func validationExamplesComeFromOutsideTheStudiedOnesAndLeaveThemUnchanged() throws {
        let plain = try PreparedDataset.make(splits: splits, trainLimit: 300, testLimit: 50, seed: 7, labelNoise: 0.1)
        let first = try PreparedDataset.make(
            splits: splits, trainLimit: 300, testLimit: 50, seed: 7, labelNoise: 0.1, validationSize: 150)
        let second = try PreparedDataset.make(
            splits: splits, trainLimit: 300, testLimit: 50, seed: 7, labelNoise: 0.1, validationSize: 150)
        let validation = try #require(first.validation)
        #expect(plain.validation == nil && plain.validationSourceIndices.isEmpty)
        // The population, its noise and the test set are those of the sweep without validation.
        #expect(first.train == plain.train)
        #expect(first.flippedIndices == plain.flippedIndices)
        #expect(first.test == plain.test)
        #expect(first.validationSourceIndices.count == 150)
        #expect(Set(first.validationSourceIndices).isDisjoint(with: first.trainSourceIndices))
        #expect(first.validationSourceIndices == first.validationSourceIndices.sorted())
        // Each validation row is its source row with its original label (no planted noise).
        #expect(validation.features == splits.train.selecting(first.validationSourceIndices).features)
        #expect(validation.labels == first.validationSourceIndices.map { splits.train.labels[$0] })
        // Every run prepares the same examples, and the hash tells them from the plain sweep's.
        #expect(second.validation == first.validation)
        #expect(second.contentHash == first.contentHash)
        #expect(first.contentHash != plain.contentHash)
        let other = try PreparedDataset.make(
            splits: splits, trainLimit: 300, testLimit: 50, seed: 8, labelNoise: 0.1, validationSize: 150)
        #expect(other.validationSourceIndices != first.validationSourceIndices)
    }

    @Test func validationExamplesMustFitBesideTheStudiedOnes() throws {
        _ = try PreparedDataset.make(
            splits: splits, trainLimit: 400, testLimit: nil, seed: 1, labelNoise: 0, validationSize: 100)
        let error = #expect(throws: DatasetError.self) {
            try PreparedDataset.make(
                splits: splits, trainLimit: 400, testLimit: nil, seed: 1, labelNoise: 0, validationSize: 101)
        }
        #expect(
            error?.description == "synthetic: validation_size 101 does not fit: the training split holds 500 examples "
                + "and 400 of them are studied (train_limit), leaving 100 for validation")
    }
}

extension PreparedDatasetTests {
    @Test func plantedDuplicatesCopyTestExamplesWithOneAtypicalLabel() throws {
        let plain = try PreparedDataset.make(splits: splits, trainLimit: 120, testLimit: 50, seed: 7, labelNoise: 0.1)
        let planted = try PreparedDataset.make(
            splits: splits, trainLimit: 120, testLimit: 50, seed: 7, labelNoise: 0.1, duplicates: 6)
        #expect(planted.duplicatePairs.count == 6 && planted.train.count == 126)
        #expect(planted.flippedIndices == plain.flippedIndices, "the noise is planted first, on the same examples")
        #expect(Array(planted.trainSourceIndices.prefix(120)) == plain.trainSourceIndices)
        #expect(planted.trainSourceIndices.suffix(6).allSatisfy { $0 == -1 })
        #expect(planted.contentHash != plain.contentHash)
        let d = planted.train.dimension
        for pair in planted.duplicatePairs {
            #expect(pair.train >= 120 && pair.label != pair.originalLabel)
            #expect(planted.train.labels[pair.train] == pair.label && planted.test.labels[pair.test] == pair.label)
            #expect(plain.test.labels[pair.test] == pair.originalLabel)
            #expect(
                Array(planted.train.features[(pair.train * d)..<((pair.train + 1) * d)])
                    == Array(planted.test.features[(pair.test * d)..<((pair.test + 1) * d)]))
            #expect(planted.originalTrainLabels[pair.train] == pair.label)
        }
        let again = try PreparedDataset.make(
            splits: splits, trainLimit: 120, testLimit: 50, seed: 7, labelNoise: 0.1, duplicates: 6)
        #expect(again.contentHash == planted.contentHash && again.duplicatePairs == planted.duplicatePairs)
        #expect(throws: DatasetError.self) {
            try PreparedDataset.make(splits: splits, trainLimit: 120, testLimit: 5, seed: 7, labelNoise: 0, duplicates: 6)
        }
    }
}
