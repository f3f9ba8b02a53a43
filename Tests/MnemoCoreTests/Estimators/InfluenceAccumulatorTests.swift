import MnemoCore
import MnemoLinalg
import Testing

@Suite struct InfluenceAccumulatorTests {
    /// Three runs over 3 training examples (labels 0, 0, 1) and 2 test examples (labels 0, 1).
    static let handRuns = [
        // run 0: trains on {0, 1}
        RunOutcome(
            membership: BitVector([true, true, false]), trainCorrect: BitVector([true, true, false]),
            testCorrect: BitVector([true, false])),
        // run 1: trains on {0, 2}
        RunOutcome(
            membership: BitVector([true, false, true]), trainCorrect: BitVector([true, false, true]),
            testCorrect: BitVector([true, true])),
        // run 2: trains on {1, 2}
        RunOutcome(
            membership: BitVector([false, true, true]), trainCorrect: BitVector([true, true, false]),
            testCorrect: BitVector([false, true])),
    ]

    static func handAccumulator(fullInfluence: Bool) throws -> InfluenceAccumulator {
        var accumulator = try InfluenceAccumulator(
            trainLabels: [0, 0, 1], testLabels: [0, 1], classCount: 2, fullInfluence: fullInfluence)
        try accumulator.add(handRuns)
        return accumulator
    }

    @Test func handComputedThreeRunExample() throws {
        let accumulator = try Self.handAccumulator(fullInfluence: true)
        #expect(accumulator.runs == 3)
        #expect(accumulator.trainInCounts == [2, 2, 2])
        #expect(accumulator.trainInCorrect == [2, 2, 1])
        #expect(accumulator.trainCorrect == [3, 2, 1])
        #expect(accumulator.testCorrect == [2, 2])

        let mem = accumulator.memorization()
        // train 0: in runs 0, 1, correct 1, 1 → 1; out run 2, correct 1 → 1; mem = 1 − 1 = 0
        // train 1: in runs 0, 2, correct 1, 1 → 1; out run 1, correct 0 → 0; mem = 1 − 0 = 1
        // train 2: in runs 1, 2, correct 1, 0 → 0.5; out run 0, correct 0 → 0; mem = 0.5
        #expect(mem.values == [0, 1, 0.5])
        // SE of train 0: p̃_in = (2 + 1)/(2 + 2) = 3/4 over n_in = 2, p̃_out = (1 + 1)/(1 + 2) = 2/3 over n_out = 1:
        // sqrt(3/4 · 1/4 / 2 + 2/3 · 1/3 / 1) = sqrt(3/32 + 2/9)
        #expect(abs(mem.standardErrors[0] - (3.0 / 32 + 2.0 / 9).squareRoot()) < 1e-15)
        // SE of train 2: p̃_in = 2/4 = 1/2 over 2, p̃_out = 1/3 over 1: sqrt(1/8 + 2/9)
        #expect(abs(mem.standardErrors[2] - (1.0 / 8 + 2.0 / 9).squareRoot()) < 1e-15)

        // test 0 is correct in runs 0, 1 (not 2); test 1 in runs 1, 2 (not 0).
        // class 0 block, train {0, 1} × test {0}:
        //   train 0: in runs 0, 1 → test 0 correct 1, 1 → 1; out run 2 → 0; infl = 1
        //   train 1: in runs 0, 2 → 1, 0 → 0.5; out run 1 → 1; infl = −0.5
        let class0 = accumulator.influence(ofClass: 0)
        #expect(class0.trainIndices == [0, 1] && class0.testIndices == [0])
        #expect(class0.values.storage == [1, -0.5])
        // class 1 block, train {2} × test {1}: in runs 1, 2 → 1, 1 → 1; out run 0 → 0; infl = 1
        let class1 = accumulator.influence(ofClass: 1)
        #expect(class1.trainIndices == [2] && class1.testIndices == [1])
        #expect(class1.values.storage == [1])
        // Cross-class pairs (full matrix only):
        //   train 0 on test 1: in runs 0, 1 → 0, 1 → 0.5; out run 2 → 1; −0.5
        //   train 1 on test 1: in runs 0, 2 → 0, 1 → 0.5; out run 1 → 1; −0.5
        //   train 2 on test 0: in runs 1, 2 → 1, 0 → 0.5; out run 0 → 1; −0.5
        let full = try #require(accumulator.fullInfluenceMatrix())
        #expect(full.values == Matrix(rows: 3, columns: 2, storage: [1, -0.5, -0.5, -0.5, -0.5, 1]))
        // SE of infl[1, 0]: in 1 of 2 → p̃ = 2/4; out 1 of 1 → p̃ = 2/3: sqrt(1/8 + 2/9)
        #expect(abs(class0.standardError(row: 1, column: 0) - (1.0 / 8 + 2.0 / 9).squareRoot()) < 1e-15)

        #expect(accumulator.minimumSubsetAccuracy == 0.5)  // run 2 gets train 1 right and train 2 wrong
        #expect(accumulator.meanSubsetAccuracy == 5.0 / 6)
        #expect(accumulator.meanTestAccuracy == 4.0 / 6)
    }

    @Test func classBlocksMatchBetweenBlockAndFullStorage() throws {
        let blocks = try Self.handAccumulator(fullInfluence: false).influenceBlocks()
        #expect(blocks == (try Self.handAccumulator(fullInfluence: true)).influenceBlocks())
        #expect(try Self.handAccumulator(fullInfluence: false).fullInfluenceMatrix() == nil)
    }

    @Test(arguments: [false, true])
    func gemmAggregationEqualsPerRunLoopsExactly(fullInfluence: Bool) throws {
        let trial = RandomTrial(seed: 11, trainCount: 61, testCount: 23, classCount: 4, runCount: 37)
        var accumulator = try trial.accumulator(fullInfluence: fullInfluence)
        // Blocks of different sizes: 1, 5, 13, 18.
        var start = 0
        for size in [1, 5, 13, 18] {
            try accumulator.add(Array(trial.runs[start..<start + size]))
            start += size
        }
        let naive = NaiveEstimates(runs: trial.runs, trainCount: 61, testCount: 23)
        let mem = accumulator.memorization()
        #expect(identical(mem.values, naive.mem))
        #expect(identical(mem.standardErrors, naive.memSE))
        for block in accumulator.influenceBlocks() {
            let errors = block.standardErrors()
            for (row, i) in block.trainIndices.enumerated() {
                for (column, j) in block.testIndices.enumerated() {
                    #expect(identical(block.values[row, column], naive.infl[i][j]), "infl[\(i), \(j)]")
                    #expect(identical(errors[row, column], naive.inflSE[i][j]), "SE[\(i), \(j)]")
                }
            }
        }
        if let full = accumulator.fullInfluenceMatrix() {
            for i in 0..<61 {
                #expect(identical((0..<23).map { full.values[i, $0] }, naive.infl[i]), "row \(i)")
            }
        }
    }

    @Test func resultsDoNotDependOnBlockingOrMerging() throws {
        let trial = RandomTrial(seed: 12, trainCount: 40, testCount: 17, classCount: 3, runCount: 30)
        var oneBlock = try trial.accumulator()
        try oneBlock.add(trial.runs)
        var oneByOne = try trial.accumulator()
        for run in trial.runs { try oneByOne.add(run) }
        #expect(oneByOne == oneBlock)

        var first = try trial.accumulator()
        try first.add(Array(trial.runs[..<11]))
        var second = try trial.accumulator()
        try second.add(Array(trial.runs[11...]))
        try first.merge(second)
        #expect(first == oneBlock)
    }

    @Test func undefinedWhereAnExampleIsInEveryRunOrNone() throws {
        // Train 0 is in every run, train 1 in none, train 2 in some.
        let runs = (0..<4).map { k in
            RunOutcome(
                membership: BitVector([true, false, k % 2 == 0]), trainCorrect: BitVector([true, k < 2, true]),
                testCorrect: BitVector([k % 3 == 0]))
        }
        var accumulator = try InfluenceAccumulator(trainLabels: [0, 0, 0], testLabels: [0], classCount: 1)
        try accumulator.add(runs)
        let mem = accumulator.memorization()
        #expect(mem.values[0].isNaN && mem.standardErrors[0].isNaN)
        #expect(mem.values[1].isNaN && mem.standardErrors[1].isNaN)
        #expect(!mem.values[2].isNaN && mem.standardErrors[2] > 0)
        let block = accumulator.influence(ofClass: 0)
        #expect(block.values[0, 0].isNaN && block.standardError(row: 0, column: 0).isNaN)
        #expect(block.values[1, 0].isNaN && block.standardError(row: 1, column: 0).isNaN)
        #expect(!block.values[2, 0].isNaN)
    }

    @Test func rejectsMismatchedRunsWithoutAddingAnything() throws {
        var accumulator = try InfluenceAccumulator(trainLabels: [0, 1, 0], testLabels: [1, 1], classCount: 2)
        let good = Self.handRuns[0]
        let bad = RunOutcome(
            membership: BitVector([true, true, false]), trainCorrect: BitVector([true, true, false]),
            testCorrect: BitVector([true, false, true]))
        let error = #expect(throws: EstimatorError.self) { try accumulator.add([good, bad]) }
        #expect(error?.description == "estimator: run 1 of the block has 3 testCorrect bits, expected 2")
        #expect(accumulator.runs == 0)
        #expect(accumulator.trainInCounts == [0, 0, 0])
    }

    @Test func rejectsBadLabelsAndIncompatibleMerges() throws {
        #expect(throws: EstimatorError.self) {
            try InfluenceAccumulator(trainLabels: [0, 2], testLabels: [0], classCount: 2)
        }
        let error = #expect(throws: EstimatorError.self) {
            try InfluenceAccumulator(trainLabels: [0, 1], testLabels: [0, -1], classCount: 2)
        }
        #expect(error?.description == "estimator: testLabels[1] = -1 is outside 0..<2")
        #expect(throws: EstimatorError.self) {
            try InfluenceAccumulator(trainLabels: [], testLabels: [], classCount: 0)
        }
        var blocks = try Self.handAccumulator(fullInfluence: false)
        #expect(throws: EstimatorError.self) { try blocks.merge(Self.handAccumulator(fullInfluence: true)) }
        let relabelled = try InfluenceAccumulator(trainLabels: [0, 1, 1], testLabels: [0, 1], classCount: 2)
        #expect(throws: EstimatorError.self) { try blocks.merge(relabelled) }
    }

    @Test func topPairsMatchBruteForceRanking() throws {
        let trial = RandomTrial(seed: 13, trainCount: 50, testCount: 20, classCount: 3, runCount: 40)
        var accumulator = try trial.accumulator()
        try accumulator.add(trial.runs)
        var all = [InfluencePair]()
        for block in accumulator.influenceBlocks() {
            for (row, i) in block.trainIndices.enumerated() {
                for (column, j) in block.testIndices.enumerated() where !block.values[row, column].isNaN {
                    all.append(
                        InfluencePair(
                            train: i, test: j, influence: block.values[row, column],
                            standardError: block.standardError(row: row, column: column)))
                }
            }
        }
        let ranked = all.sorted {
            ($0.influence, -$0.train, -$0.test) > ($1.influence, -$1.train, -$1.test)
        }
        #expect(accumulator.topInfluencePairs(count: 15) == Array(ranked.prefix(15)))
        let significant = ranked.filter { $0.influence > 2 * $0.standardError }
        #expect(accumulator.topInfluencePairs(count: 15, minimumZ: 2) == Array(significant.prefix(15)))
        #expect(accumulator.topInfluencePairs(count: all.count + 5).count == all.count)
        #expect(accumulator.topInfluencePairs(count: 0).isEmpty)
        let test = 7
        #expect(
            accumulator.topInfluencers(ofTest: test, count: 4) == Array(ranked.filter { $0.test == test }.prefix(4)))
    }

    /// A count far beyond the pairs there are (`mnemo scores --top 100000`) reserves only for those pairs.
    @Test func aHugeCountReturnsEveryPairWithoutReservingForTheCount() throws {
        let trial = RandomTrial(seed: 13, trainCount: 50, testCount: 20, classCount: 3, runCount: 40)
        var accumulator = try trial.accumulator()
        try accumulator.add(trial.runs)
        let all = accumulator.topInfluencePairs(count: 10_000)
        #expect(accumulator.topInfluencePairs(count: Int.max) == all)
        #expect(accumulator.topInfluencers(ofTest: 7, count: Int.max) == all.filter { $0.test == 7 })
    }
}
