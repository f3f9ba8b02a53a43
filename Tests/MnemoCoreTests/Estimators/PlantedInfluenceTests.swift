import MnemoCore
import Testing

/// A training example planted as the "duplicate" of a test example must come out as its top influencer.
@Suite struct PlantedInfluenceTests {
    @Test func plantedDuplicateIsTheTopInfluencer() throws {
        let n = 200
        let t = 40
        let classCount = 4
        let planted = (train: 57, test: 22)
        var rng = CounterRNG(key: 51, stream: 3)
        let trainLabels = (0..<n).map { $0 % classCount }
        // The planted test example shares the planted training example's class (57 % 4 = 1).
        let testLabels = (0..<t).map { $0 == planted.test ? trainLabels[planted.train] : $0 % classCount }
        var accumulator = try InfluenceAccumulator(
            trainLabels: trainLabels, testLabels: testLabels, classCount: classCount)
        let runs = (0..<100).map { k in
            let mask = SubsetMask(seed: 51, subset: k, count: n, ratio: 0.7)
            let trainCorrect = mask.isMember.map { $0 || rng.nextUnitDouble() < 0.7 }
            let testCorrect = (0..<t).map { j in
                // The planted test example is right exactly when its duplicate was trained on, up to 10% noise.
                j == planted.test
                    ? mask.isMember[planted.train] != (rng.nextUnitDouble() < 0.1)
                    : rng.nextUnitDouble() < 0.7
            }
            return RunOutcome(mask: mask, trainCorrect: BitVector(trainCorrect), testCorrect: BitVector(testCorrect))
        }
        try accumulator.add(runs)

        let top = try #require(accumulator.topInfluencers(ofTest: planted.test, count: 3, minimumZ: 2).first)
        #expect(top.train == planted.train)
        #expect(top.influence > 0.6)
        #expect(accumulator.topInfluencePairs(count: 1).first?.train == planted.train)
        #expect(accumulator.topInfluencePairs(count: 1).first?.test == planted.test)
        // With a dominant influencer the planted test example has the lowest raw entropy of its class.
        let entropy = RawInfluenceEntropy(accumulator).entropy.values
        let sameClass = (0..<t).filter { testLabels[$0] == testLabels[planted.test] }
        #expect(sameClass.min { entropy[$0] < entropy[$1] } == planted.test)
    }
}
