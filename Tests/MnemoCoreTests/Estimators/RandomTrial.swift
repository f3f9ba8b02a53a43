import MnemoCore

/// Random labels and runs for estimator tests, drawn from a counter RNG so every run of the tests sees the
/// same data. Subsets are real ``SubsetMask``s; correctness is Bernoulli with a higher rate inside the subset.
struct RandomTrial {
    let trainLabels: [Int]
    let testLabels: [Int]
    let classCount: Int
    let runs: [RunOutcome]

    init(seed: UInt64, trainCount: Int, testCount: Int, classCount: Int, runCount: Int, ratio: Double = 0.6) {
        var rng = CounterRNG(key: seed, stream: 7)
        trainLabels = (0..<trainCount).map { _ in rng.nextIndex(below: classCount) }
        testLabels = (0..<testCount).map { _ in rng.nextIndex(below: classCount) }
        self.classCount = classCount
        runs = (0..<runCount).map { k in
            let mask = SubsetMask(seed: seed, subset: k, count: trainCount, ratio: ratio)
            let trainCorrect = mask.isMember.map { member in rng.nextUnitDouble() < (member ? 0.95 : 0.6) }
            let testCorrect = (0..<testCount).map { _ in rng.nextUnitDouble() < 0.6 }
            return RunOutcome(mask: mask, trainCorrect: BitVector(trainCorrect), testCorrect: BitVector(testCorrect))
        }
    }

    func accumulator(fullInfluence: Bool = false) throws -> InfluenceAccumulator {
        try InfluenceAccumulator(
            trainLabels: trainLabels, testLabels: testLabels, classCount: classCount, fullInfluence: fullInfluence)
    }
}

/// The estimator written as the per-run loops of its definition, as the reference for the GEMM version.
struct NaiveEstimates {
    let mem: [Double]
    let memSE: [Double]
    /// n × t, example order.
    let infl: [[Double]]
    let inflSE: [[Double]]

    init(runs: [RunOutcome], trainCount n: Int, testCount t: Int) {
        var inCount = [Double](repeating: 0, count: n)
        var inCorrect = [Double](repeating: 0, count: n)
        var outCorrect = [Double](repeating: 0, count: n)
        var inSum = [[Double]](repeating: [Double](repeating: 0, count: t), count: n)
        var testTotal = [Double](repeating: 0, count: t)
        for run in runs {
            for i in 0..<n {
                let correct: Double = run.trainCorrect[i] ? 1 : 0
                if run.membership[i] {
                    inCount[i] += 1
                    inCorrect[i] += correct
                    for j in 0..<t where run.testCorrect[j] { inSum[i][j] += 1 }
                } else {
                    outCorrect[i] += correct
                }
            }
            for j in 0..<t where run.testCorrect[j] { testTotal[j] += 1 }
        }
        let runCount = Double(runs.count)
        func difference(_ kIn: Double, _ nIn: Double, _ kOut: Double, _ nOut: Double) -> Double {
            nIn == 0 || nOut == 0 ? .nan : kIn / nIn - kOut / nOut
        }
        func error(_ kIn: Double, _ nIn: Double, _ kOut: Double, _ nOut: Double) -> Double {
            if nIn == 0 || nOut == 0 { return .nan }
            let pIn = (kIn + 1) / (nIn + 2)
            let pOut = (kOut + 1) / (nOut + 2)
            return (pIn * (1 - pIn) / nIn + pOut * (1 - pOut) / nOut).squareRoot()
        }
        mem = (0..<n).map { difference(inCorrect[$0], inCount[$0], outCorrect[$0], runCount - inCount[$0]) }
        memSE = (0..<n).map { error(inCorrect[$0], inCount[$0], outCorrect[$0], runCount - inCount[$0]) }
        infl = (0..<n).map { i in
            (0..<t).map { j in difference(inSum[i][j], inCount[i], testTotal[j] - inSum[i][j], runCount - inCount[i]) }
        }
        inflSE = (0..<n).map { i in
            (0..<t).map { j in error(inSum[i][j], inCount[i], testTotal[j] - inSum[i][j], runCount - inCount[i]) }
        }
    }
}

/// Equal values, or both NaN.
func identical(_ a: Double, _ b: Double) -> Bool {
    a == b || (a.isNaN && b.isNaN)
}

func identical(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { identical($0, $1) }
}
