import Foundation
import MnemoCore
import MnemoData
import Testing

@Suite struct SyntheticDatasetTests {
    let spec = SyntheticSpec(
        classCount: 4, dimension: 16, commonModesPerClass: 2, commonModeSize: 20, rareModesPerClass: 3,
        rareModeSize: 1, commonTestSize: 5, rareTestSize: 2, duplicates: 6, labelNoise: 0.1)

    @Test func generationIsDeterministicAndSeedDependent() throws {
        let first = try SyntheticDataset.generate(spec, seed: 11)
        let second = try SyntheticDataset.generate(spec, seed: 11)
        let other = try SyntheticDataset.generate(spec, seed: 12)
        #expect(first.splits == second.splits)
        #expect(first.duplicatePairs == second.duplicatePairs)
        #expect(first.flippedIndices == second.flippedIndices)
        #expect(first.contentHash == second.contentHash)
        #expect(first.contentHash != other.contentHash)
    }

    @Test func modesFollowTheLongTail() throws {
        let data = try SyntheticDataset.generate(spec, seed: 5)
        let generated = 4 * (2 * 20 + 3 * 1)
        #expect(data.splits.train.count == generated + 6)
        #expect(data.splits.test.count == 4 * (2 * 5 + 3 * 2))
        var sizes: [Int: Int] = [:]
        for mode in data.trainModes.prefix(generated) { sizes[mode, default: 0] += 1 }
        for mode in 0..<(4 * 5) {
            #expect(sizes[mode] == data.trainSize(ofMode: mode))
            #expect(data.isRare(mode: mode) == (mode % 5 >= 2))
        }
        for (index, mode) in data.testModes.enumerated()
        where !data.duplicatePairs.contains(where: { $0.test == index }) {
            #expect(data.splits.test.labels[index] == data.modeClass(mode))
        }
    }

    @Test func examplesLieNearestTheirOwnModeCentre() throws {
        // With spread 0.3 and centres of scale 1 in 16 dimensions, an example is far closer to the
        // mean of its own mode's training examples than to any other mode's.
        let data = try SyntheticDataset.generate(
            SyntheticSpec(classCount: 3, dimension: 16, rareModesPerClass: 0), seed: 2)
        let train = data.splits.train
        var centres = [[Float]](repeating: [Float](repeating: 0, count: 16), count: 6)
        for (index, mode) in data.trainModes.enumerated() {
            for axis in 0..<16 { centres[mode][axis] += train.features[index * 16 + axis] / 50 }
        }
        let test = data.splits.test
        for (index, mode) in data.testModes.enumerated() {
            let distances = centres.map { centre in
                (0..<16).reduce(Float(0)) { $0 + pow(test.features[index * 16 + $1] - centre[$1], 2) }
            }
            #expect(distances.firstIndex(of: distances.min()!) == mode)
        }
    }

    @Test func rareTestExamplesNeedTheirOwnTrainingExample() throws {
        // The long tail's point: a 1-nearest-neighbour rule labels a rare mode's test examples right
        // with its training example, and mostly wrong without it (chance is 1/4 here).
        let data = try SyntheticDataset.generate(
            SyntheticSpec(classCount: 4, dimension: 16, rareModesPerClass: 10, rareTestSize: 2), seed: 3)
        let (train, test) = (data.splits.train, data.splits.test)
        func nearestLabel(_ testIndex: Int, excludingMode mode: Int?) -> Int32 {
            var best = (distance: Float.infinity, label: Int32(-1))
            for index in 0..<train.count where data.trainModes[index] != mode {
                let distance = (0..<16).reduce(Float(0)) {
                    $0 + pow(train.features[index * 16 + $1] - test.features[testIndex * 16 + $1], 2)
                }
                if distance < best.distance { best = (distance, train.labels[index]) }
            }
            return best.label
        }
        let rare = data.testModes.indices.filter { data.isRare(mode: data.testModes[$0]) }
        let withExample = rare.filter { nearestLabel($0, excludingMode: nil) == test.labels[$0] }.count
        let without = rare.filter { nearestLabel($0, excludingMode: data.testModes[$0]) == test.labels[$0] }.count
        #expect(rare.count == 80)
        #expect(withExample == rare.count)
        #expect(Double(without) / Double(rare.count) < 0.5)
    }

    @Test func duplicatesAreExactCopiesSharingAnAtypicalLabel() throws {
        let data = try SyntheticDataset.generate(spec, seed: 8)
        let (train, test) = (data.splits.train, data.splits.test)
        #expect(data.duplicatePairs.count == 6)
        for pair in data.duplicatePairs {
            #expect(
                Array(train.features[(pair.train * 16)..<(pair.train * 16 + 16)])
                    == Array(test.features[(pair.test * 16)..<(pair.test * 16 + 16)]))
            #expect(train.labels[pair.train] == pair.label)
            #expect(test.labels[pair.test] == pair.label)
            #expect(pair.label != pair.originalLabel)
            #expect(pair.originalLabel == data.modeClass(data.testModes[pair.test]))
            #expect(data.trainModes[pair.train] == data.testModes[pair.test])
        }
    }

    @Test func labelNoiseFlipsExactlyTheRecordedGeneratedExamples() throws {
        let data = try SyntheticDataset.generate(spec, seed: 9)
        let generated = 4 * 43
        #expect(data.flippedIndices.count == Int(0.1 * Double(generated)))
        #expect(data.flippedIndices.allSatisfy { $0 < generated })
        let changed = data.splits.train.labels.indices.filter {
            data.splits.train.labels[$0] != data.originalTrainLabels[$0]
        }
        #expect(changed == data.flippedIndices)
        for index in 0..<generated where !data.flippedIndices.contains(index) {
            #expect(data.splits.train.labels[index] == data.modeClass(data.trainModes[index]))
        }
    }

    @Test func plantingChoicesLeaveTheGeneratedExamplesUnchanged() throws {
        var plain = spec
        plain.duplicates = 0
        plain.labelNoise = 0
        let clean = try SyntheticDataset.generate(plain, seed: 4)
        let planted = try SyntheticDataset.generate(spec, seed: 4)
        #expect(
            Array(planted.splits.train.features.prefix(clean.splits.train.features.count))
                == clean.splits.train.features)
        #expect(planted.splits.test.features == clean.splits.test.features)
        #expect(clean.duplicatePairs.isEmpty && clean.flippedIndices.isEmpty)
    }

    @Test func invalidSpecsAreRejectedByField() throws {
        var bad = spec
        bad.duplicates = 1000
        let error = #expect(throws: DatasetError.self) { try SyntheticDataset.generate(bad, seed: 1) }
        #expect(error?.reason.hasPrefix("duplicates:") == true)
        bad = spec
        bad.labelNoise = 1
        #expect(throws: DatasetError.self) { try SyntheticDataset.generate(bad, seed: 1) }
    }

    @Test func specDecodesFromSnakeCaseKeys() throws {
        let json = Data(
            #"{"class_count":3,"dimension":8,"common_modes_per_class":1,"common_mode_size":4,"rare_modes_per_class":2,"rare_mode_size":2,"common_test_size":1,"rare_test_size":1,"mode_scale":1,"spread":0.1,"duplicates":1,"label_noise":0}"#
                .utf8)
        let decoded = try JSONDecoder().decode(SyntheticSpec.self, from: json)
        #expect(decoded.rareModeSize == 2)
        #expect(try JSONDecoder().decode(SyntheticSpec.self, from: JSONEncoder().encode(spec)) == spec)
    }
}

extension SyntheticDatasetTests {
    @Test func groundTruthFollowsASelectionOfTheExamples() throws {
        let data = try SyntheticDataset.generate(
            SyntheticSpec(classCount: 3, commonModeSize: 5, rareModesPerClass: 1, rareModeSize: 1, duplicates: 4), seed: 9)
        let trainCount = data.splits.train.count
        let testCount = data.splits.test.count
        // Keep every other training example (in reverse order) and every test example but the first.
        let trainSelection = Array(stride(from: trainCount - 1, through: 0, by: -2))
        let testSelection = Array(1..<testCount)
        let truth = data.groundTruth(trainSourceIndices: trainSelection, testSourceIndices: testSelection)
        #expect(truth.trainModes == trainSelection.map { data.trainModes[$0] })
        #expect(truth.testModes == testSelection.map { data.testModes[$0] })
        #expect(truth.isRare(mode: truth.modesPerClass - 1) && !truth.isRare(mode: 0))
        let kept = data.duplicatePairs.filter { trainSelection.contains($0.train) && testSelection.contains($0.test) }
        #expect(truth.duplicates.count == kept.count && !kept.isEmpty)
        for duplicate in truth.duplicates {
            #expect(trainSelection[duplicate.train] == kept.first { $0.test == testSelection[duplicate.test] }?.train)
            #expect(truth.trainModes[duplicate.train] == truth.testModes[duplicate.test], "a copy carries its test example's mode")
        }
    }
}
