/// The per-example counts behind the Feldman–Zhang memorization estimates: O(n) memory and O(n) work per
/// run, so a coordinator can keep them for every trial it watches (a stop rule) without the influence
/// sums. ``InfluenceAccumulator`` keeps one too.
public struct MemorizationTally: Sendable, Equatable {
    /// The number of runs added.
    public private(set) var runs = 0
    /// `inCounts[i]`: runs whose subset contained training example i (n_in).
    public private(set) var inCounts: [Int]
    /// `inCorrect[i]`: runs that contained training example i and classified it correctly.
    public private(set) var inCorrect: [Int]
    /// `correct[i]`: runs that classified training example i correctly, in or out of their subset.
    public private(set) var correct: [Int]

    /// An empty tally over `count` training examples.
    public init(count: Int) {
        inCounts = [Int](repeating: 0, count: count)
        inCorrect = inCounts
        correct = inCounts
    }

    /// A tally with the given counts (one per training example each), as ``InfluenceAccumulator/State``
    /// carries them; nil unless every count lies in `0...runs` with `inCorrect[i] ≤ min(inCounts[i], correct[i])`
    /// and `correct[i] − inCorrect[i] ≤ runs − inCounts[i]`.
    public init?(runs: Int, inCounts: [Int], inCorrect: [Int], correct: [Int]) {
        guard runs >= 0, inCorrect.count == inCounts.count, correct.count == inCounts.count else { return nil }
        for i in inCounts.indices {
            let (inCount, inRight, right) = (inCounts[i], inCorrect[i], correct[i])
            guard inCount >= 0, inCount <= runs, inRight >= 0, inRight <= inCount, right >= inRight,
                right - inRight <= runs - inCount
            else { return nil }
        }
        self.runs = runs
        self.inCounts = inCounts
        self.inCorrect = inCorrect
        self.correct = correct
    }

    /// Counts one run: which examples it trained on and which it then classified correctly (both of
    /// this tally's length), and returns its accuracy on its own subset (nil for an empty subset).
    @discardableResult
    public mutating func add(membership: BitVector, correct runCorrect: BitVector) -> Double? {
        precondition(membership.count == inCounts.count && runCorrect.count == inCounts.count, "one bit per example")
        let both = membership & runCorrect
        inCounts.withUnsafeMutableBufferPointer { membership.addBits(into: $0.baseAddress!) }
        correct.withUnsafeMutableBufferPointer { runCorrect.addBits(into: $0.baseAddress!) }
        inCorrect.withUnsafeMutableBufferPointer { both.addBits(into: $0.baseAddress!) }
        let subsetSize = membership.popcount
        let subsetCorrect = both.popcount
        runs += 1
        return subsetSize > 0 ? Double(subsetCorrect) / Double(subsetSize) : nil
    }

    /// Adds the runs of `other`, over as many examples.
    public mutating func merge(_ other: MemorizationTally) {
        precondition(other.inCounts.count == inCounts.count, "tallies over different examples")
        runs += other.runs
        for i in inCounts.indices {
            inCounts[i] += other.inCounts[i]
            inCorrect[i] += other.inCorrect[i]
            correct[i] += other.correct[i]
        }
    }

    /// `mem[i]` and its standard error for every training example; NaN where i was in every run or in none.
    public func memorization() -> MemorizationEstimates {
        var values = [Double]()
        var errors = [Double]()
        values.reserveCapacity(inCounts.count)
        errors.reserveCapacity(inCounts.count)
        for i in inCounts.indices {
            let inCount = Double(inCounts[i])
            let inRight = Double(inCorrect[i])
            let outCount = Double(runs - inCounts[i])
            let outRight = Double(correct[i] - inCorrect[i])
            values.append(FeldmanZhang.estimate(inCorrect: inRight, inCount: inCount, outCorrect: outRight, outCount: outCount))
            errors.append(
                FeldmanZhang.standardError(inCorrect: inRight, inCount: inCount, outCorrect: outRight, outCount: outCount))
        }
        return MemorizationEstimates(values: values, standardErrors: errors)
    }
}
