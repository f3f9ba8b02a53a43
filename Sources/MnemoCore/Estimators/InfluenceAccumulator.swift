import Dispatch
import MnemoLinalg

/// Streaming Feldman–Zhang aggregation for one trial: per-example counts and the influence sums `Mᵀ·C`,
/// updated a block of runs at a time with one GEMM per class (Feldman & Zhang 2020, "What Neural Networks Memorize and Why").
///
/// With M the (runs × n) 0/1 membership matrix and C the (runs × t) test-correctness matrix, influence needs
/// `in_sum = Mᵀ·C`. Entropy and the usual reports only need same-class pairs, so by default the accumulator
/// keeps, for each class c, the block `M[:, train_c]ᵀ · C[:, test_c]` (N_c × T_c): memory O(Σ N_c·T_c).
/// With `fullInfluence` it keeps the whole n × t matrix instead (one GEMM per block of runs), from which the
/// class blocks are cut.
///
/// Sums are counts of runs kept in float32, every one an integer of at most 2^24 (``maximumRuns``), so
/// they are exact, and the results do not depend on how runs were split into blocks or merged. The
/// same-class blocks are counted from the packed bits themselves (``BitColumns``: the block's bits
/// regrouped by example, then one AND and popcount per 64 runs and pair); the full n × t sums are one
/// `BLAS.sgemm` per block of runs on bits unpacked to floats (twice `dgemm`'s rate).
///
/// The state is additive: it is rebuilt on start by adding the stored results (in any order, in any block
/// sizes) and then updated as results arrive; two accumulators over disjoint runs can be merged.
///
/// ```swift
/// var accumulator = try InfluenceAccumulator(trainLabels: trainLabels, testLabels: testLabels, classCount: 10)
/// try accumulator.add(outcomes)                      // [RunOutcome], any number
/// let mem = accumulator.memorization()               // mem[i] and its SE
/// let blocks = accumulator.influenceBlocks()         // infl_c with trainIndices/testIndices
/// ```
public struct InfluenceAccumulator: Sendable, Equatable {
    /// Which training and test examples belong to which class.
    public let partition: ClassPartition
    /// Whether the full n × t influence sums are kept, rather than only the same-class blocks.
    public let fullInfluence: Bool
    /// The per-example counts of the training examples (memorization).
    public private(set) var tally: MemorizationTally
    /// The number of runs added.
    public var runs: Int { tally.runs }
    /// `trainInCounts[i]`: runs whose subset contained training example i (n_in).
    public var trainInCounts: [Int] { tally.inCounts }
    /// `trainInCorrect[i]`: runs that contained training example i and classified it correctly.
    public var trainInCorrect: [Int] { tally.inCorrect }
    /// `trainCorrect[i]`: runs that classified training example i correctly, in or out of their subset.
    public var trainCorrect: [Int] { tally.correct }
    /// `testCorrect[j]`: runs that classified test example j correctly.
    public private(set) var testCorrect: [Int]
    /// The lowest accuracy of a run on its own training subset, nil before any run with a non-empty subset.
    /// Estimates from runs that do not fit their subsets are unreliable (memorization is measured on fitted models).
    public private(set) var minimumSubsetAccuracy: Double?

    /// `Σ_k M_k[i]·C_k[j]`: class blocks one after the other (block c at `blockOffsets[c]`, N_c × T_c,
    /// row-major), or with `fullInfluence` one n × t matrix whose rows and columns are in class order.
    private var inSums: [Float]
    private let blockOffsets: [Int]

    /// Runs per GEMM with full sums: enough for GEMM efficiency, few enough that the unpacked rows stay
    /// near 16 MB.
    private static let unpackedElementBudget = 1 << 22
    /// The most runs an accumulator takes: float32 holds every count up to 2^24 exactly.
    public static let maximumRuns = 1 << 24

    /// An empty accumulator.
    ///
    /// - Parameters:
    ///   - trainLabels: the label of each training example, in `0..<classCount`.
    ///   - testLabels: the label of each test example, in `0..<classCount`.
    ///   - classCount: C.
    ///   - fullInfluence: keep the full n × t influence sums (memory n·t doubles) instead of the class blocks.
    /// - Throws: ``EstimatorError`` for a non-positive class count or a label out of range.
    public init(trainLabels: [Int], testLabels: [Int], classCount: Int, fullInfluence: Bool = false)
        throws(EstimatorError)
    {
        try self.init(
            partition: ClassPartition(trainLabels: trainLabels, testLabels: testLabels, classCount: classCount),
            fullInfluence: fullInfluence)
    }

    /// An empty accumulator over an existing class partition.
    public init(partition: ClassPartition, fullInfluence: Bool = false) {
        self.partition = partition
        self.fullInfluence = fullInfluence
        let n = partition.trainCount
        let t = partition.testCount
        tally = MemorizationTally(count: n)
        testCorrect = [Int](repeating: 0, count: t)
        var offsets = [Int]()
        var total = 0
        for c in 0..<partition.classCount {
            offsets.append(total)
            total += partition.trainIndices[c].count * partition.testIndices[c].count
        }
        blockOffsets = offsets
        inSums = [Float](repeating: 0, count: fullInfluence ? n * t : total)
    }

    /// Everything an accumulator has counted, to move it to another process (a coordinator's live
    /// estimates to `mnemo scores`): with the class partition, which both sides derive from the
    /// dataset, it restores an equal accumulator.
    public struct State: Sendable, Equatable {
        public var runs: Int
        public var trainInCounts: [Int]
        public var trainInCorrect: [Int]
        public var trainCorrect: [Int]
        public var testCorrect: [Int]
        public var minimumSubsetAccuracy: Double?
        /// The influence sums in the accumulator's own layout (class blocks, or the full matrix in class order).
        public var sums: [Float]

        public init(
            runs: Int, trainInCounts: [Int], trainInCorrect: [Int], trainCorrect: [Int], testCorrect: [Int],
            minimumSubsetAccuracy: Double?, sums: [Float]
        ) {
            self.runs = runs
            self.trainInCounts = trainInCounts
            self.trainInCorrect = trainInCorrect
            self.trainCorrect = trainCorrect
            self.testCorrect = testCorrect
            self.minimumSubsetAccuracy = minimumSubsetAccuracy
            self.sums = sums
        }
    }

    /// What this accumulator has counted.
    public var state: State {
        State(
            runs: runs, trainInCounts: trainInCounts, trainInCorrect: trainInCorrect, trainCorrect: trainCorrect,
            testCorrect: testCorrect, minimumSubsetAccuracy: minimumSubsetAccuracy, sums: inSums)
    }

    /// The accumulator that counted `state` over `partition`.
    ///
    /// - Throws: ``EstimatorError`` when the state does not fit the partition or contradicts itself (a
    ///   count above the runs, a sum that is not a whole number of runs), so a damaged state is refused
    ///   rather than turned into estimates.
    public init(partition: ClassPartition, fullInfluence: Bool = false, state: State) throws(EstimatorError) {
        self.init(partition: partition, fullInfluence: fullInfluence)
        guard state.runs <= Self.maximumRuns else { throw .tooManyRuns(Self.maximumRuns) }
        guard
            let tally = MemorizationTally(
                runs: state.runs, inCounts: state.trainInCounts, inCorrect: state.trainInCorrect,
                correct: state.trainCorrect),
            state.trainInCounts.count == partition.trainCount
        else { throw .inconsistentState("training counts do not fit \(partition.trainCount) examples and \(state.runs) runs") }
        guard state.testCorrect.count == partition.testCount, state.testCorrect.allSatisfy({ (0...state.runs).contains($0) }) else {
            throw .inconsistentState("test counts do not fit \(partition.testCount) examples and \(state.runs) runs")
        }
        guard state.sums.count == inSums.count,
            state.sums.allSatisfy({ $0 >= 0 && $0 <= Float(state.runs) && $0.rounded() == $0 })
        else { throw .inconsistentState("influence sums are not \(inSums.count) whole numbers of runs") }
        if let lowest = state.minimumSubsetAccuracy, !(0...1).contains(lowest) {
            throw .inconsistentState("lowest subset accuracy \(lowest) is outside [0, 1]")
        }
        self.tally = tally
        testCorrect = state.testCorrect
        minimumSubsetAccuracy = state.minimumSubsetAccuracy
        inSums = state.sums
    }

    /// The bytes an accumulator over `partition` holds: its influence sums and per-example counts.
    public static func memoryBytes(partition: ClassPartition, fullInfluence: Bool = false) -> Int {
        let sums = fullInfluence
            ? partition.trainCount * partition.testCount
            : (0..<partition.classCount).reduce(0) { $0 + partition.trainIndices[$1].count * partition.testIndices[$1].count }
        return sums * MemoryLayout<Float>.size + (3 * partition.trainCount + partition.testCount) * MemoryLayout<Int>.size
    }

    /// Adds one run.
    ///
    /// - Throws: ``EstimatorError`` when a bit vector has the wrong length; nothing is added then.
    public mutating func add(_ run: RunOutcome) throws(EstimatorError) {
        try add([run])
    }

    /// Adds a block of runs: per-example counts, then the influence sums by GEMM.
    ///
    /// - Throws: ``EstimatorError`` when a bit vector has the wrong length; nothing is added then.
    public mutating func add(_ block: [RunOutcome]) throws(EstimatorError) {
        let n = partition.trainCount
        let t = partition.testCount
        for (r, run) in block.enumerated() {
            try Self.check(run.membership, field: "membership", run: r, expected: n)
            try Self.check(run.trainCorrect, field: "trainCorrect", run: r, expected: n)
            try Self.check(run.testCorrect, field: "testCorrect", run: r, expected: t)
        }
        guard runs + block.count <= Self.maximumRuns else { throw .tooManyRuns(Self.maximumRuns) }
        let chunkSize = fullInfluence ? max(1, min(1024, Self.unpackedElementBudget / max(1, n + t))) : 4096
        var start = 0
        while start < block.count {
            let end = min(block.count, start + chunkSize)
            addChunk(block[start..<end])
            start = end
        }
    }

    /// Adds the runs of `other`, which must be over the same partition and keep the same kind of sums.
    ///
    /// - Throws: ``EstimatorError`` when the partitions or `fullInfluence` differ.
    public mutating func merge(_ other: InfluenceAccumulator) throws(EstimatorError) {
        guard partition == other.partition else { throw .incompatibleMerge(field: "class partition") }
        guard fullInfluence == other.fullInfluence else { throw .incompatibleMerge(field: "fullInfluence") }
        guard runs + other.runs <= Self.maximumRuns else { throw .tooManyRuns(Self.maximumRuns) }
        tally.merge(other.tally)
        for j in testCorrect.indices {
            testCorrect[j] += other.testCorrect[j]
        }
        for e in inSums.indices {
            inSums[e] += other.inSums[e]
        }
        if let theirs = other.minimumSubsetAccuracy {
            minimumSubsetAccuracy = min(minimumSubsetAccuracy ?? theirs, theirs)
        }
    }

    /// Accuracy of the runs on their own subsets, pooled over runs (every subset has the same size, so this
    /// is the mean of the per-run accuracies); NaN before any member was seen.
    public var meanSubsetAccuracy: Double {
        Double(trainInCorrect.reduce(0, +)) / Double(trainInCounts.reduce(0, +))
    }

    /// Mean test accuracy over runs; NaN before any run.
    public var meanTestAccuracy: Double {
        Double(testCorrect.reduce(0, +)) / Double(runs * partition.testCount)
    }

    /// `mem[i]` and its standard error for every training example; NaN where i was in every run or in none.
    public func memorization() -> MemorizationEstimates {
        tally.memorization()
    }

    /// The influence of class c's training examples on class c's test examples (N_c × T_c).
    public func influence(ofClass c: Int) -> InfluenceMatrix {
        precondition(c >= 0 && c < partition.classCount, "class \(c) out of range 0..<\(partition.classCount)")
        let rows = partition.trainIndices[c]
        let columns = partition.testIndices[c]
        var sums = Matrix<Double>(rows: rows.count, columns: columns.count)
        if fullInfluence {
            let t = partition.testCount
            let rowOffset = partition.trainOffsets[c]
            let columnOffset = partition.testOffsets[c]
            for p in 0..<rows.count {
                let source = (rowOffset + p) * t + columnOffset
                sums.storage.replaceSubrange(
                    p * columns.count..<(p + 1) * columns.count,
                    with: inSums[source..<source + columns.count].map(Double.init))
            }
        } else {
            let offset = blockOffsets[c]
            sums.storage = inSums[offset..<offset + rows.count * columns.count].map(Double.init)
        }
        return influenceMatrix(classIndex: c, trainIndices: rows, testIndices: columns, inSums: sums)
    }

    /// The same-class influence blocks of every class, in class order.
    public func influenceBlocks() -> [InfluenceMatrix] {
        (0..<partition.classCount).map { influence(ofClass: $0) }
    }

    /// The influence of every training example on every test example (n × t, in example order), when the
    /// accumulator keeps full sums; nil otherwise.
    public func fullInfluenceMatrix() -> InfluenceMatrix? {
        guard fullInfluence else { return nil }
        let n = partition.trainCount
        let t = partition.testCount
        var sums = Matrix<Double>(rows: n, columns: t)
        sums.storage.withUnsafeMutableBufferPointer { target in
            for (p, i) in partition.trainOrder.enumerated() {
                for (q, j) in partition.testOrder.enumerated() {
                    target[i * t + j] = Double(inSums[p * t + q])
                }
            }
        }
        return influenceMatrix(classIndex: nil, trainIndices: Array(0..<n), testIndices: Array(0..<t), inSums: sums)
    }

    private func influenceMatrix(classIndex: Int?, trainIndices: [Int], testIndices: [Int], inSums: Matrix<Double>)
        -> InfluenceMatrix
    {
        InfluenceMatrix(
            classIndex: classIndex, trainIndices: trainIndices, testIndices: testIndices, runs: runs,
            inSums: inSums, trainInCounts: trainIndices.map { trainInCounts[$0] },
            testCorrectCounts: testIndices.map { testCorrect[$0] })
    }

    private static func check(_ bits: BitVector, field: String, run: Int, expected: Int) throws(EstimatorError) {
        guard bits.count == expected else {
            throw .lengthMismatch(field: field, run: run, expected: expected, actual: bits.count)
        }
    }

    /// Counts the runs, then adds `Mᵀ·C`: per class by popcount over the bits regrouped by example, or
    /// for the full sums by GEMM over rows unpacked in class order.
    private mutating func addChunk(_ chunk: ArraySlice<RunOutcome>) {
        // The per-example counts are taken on another core while this one runs the GEMMs.
        let counts = ChunkCounts(trainCount: partition.trainCount, testCount: partition.testCount)
        let counting = DispatchGroup()
        counting.enter()
        DispatchQueue.global(qos: .userInitiated).async {
            counts.count(chunk)
            counting.leave()
        }
        defer {
            counting.wait()
            tally.merge(counts.tally)
            for j in testCorrect.indices { testCorrect[j] &+= counts.testCorrect[j] }
            if let lowest = counts.lowestSubsetAccuracy {
                minimumSubsetAccuracy = min(minimumSubsetAccuracy ?? lowest, lowest)
            }
        }
        guard partition.trainCount > 0, partition.testCount > 0 else { return }
        if fullInfluence {
            addFull(chunk)
            return
        }
        // Same-class sums by popcount: the chunk's bits regrouped by example once (bit-matrix
        // transposes), then per class one AND and popcount per 64 runs and pair — no float unpacking.
        let members = BitColumns(chunk.map(\.membership), count: partition.trainCount)
        let correct = BitColumns(chunk.map(\.testCorrect), count: partition.testCount)
        inSums.withUnsafeMutableBufferPointer { sums in
            for cls in 0..<partition.classCount {
                BitColumns.addCoincidences(
                    rows: partition.trainIndices[cls], of: members, columns: partition.testIndices[cls], of: correct,
                    into: sums.baseAddress! + blockOffsets[cls])
            }
        }
    }

    /// Adds the full `Mᵀ·C` of a chunk: its rows unpacked in class order, one GEMM.
    private mutating func addFull(_ chunk: ArraySlice<RunOutcome>) {
        let n = partition.trainCount
        let t = partition.testCount
        let b = chunk.count
        var membershipRows = [Float](repeating: 0, count: b * n)
        var correctRows = [Float](repeating: 0, count: b * t)
        membershipRows.withUnsafeMutableBufferPointer { m in
            correctRows.withUnsafeMutableBufferPointer { c in
                for (r, run) in chunk.enumerated() {
                    run.membership.unpack(at: partition.trainOrder, into: m.baseAddress! + r * n)
                    run.testCorrect.unpack(at: partition.testOrder, into: c.baseAddress! + r * t)
                }
                inSums.withUnsafeMutableBufferPointer { sums in
                    BLAS.sgemm(
                        .transposed, .none, m: n, n: t, k: b, a: m.baseAddress!, lda: n, b: c.baseAddress!, ldb: t,
                        beta: 1, c: sums.baseAddress!, ldc: t)
                }
            }
        }
    }
}

/// The per-example counts of a chunk of runs, taken on a background thread: written there, read by the
/// accumulator after the dispatch group's wait.
private final class ChunkCounts: @unchecked Sendable {
    var tally: MemorizationTally
    var testCorrect: [Int]
    var lowestSubsetAccuracy: Double?

    init(trainCount: Int, testCount: Int) {
        tally = MemorizationTally(count: trainCount)
        testCorrect = [Int](repeating: 0, count: testCount)
    }

    func count(_ chunk: ArraySlice<RunOutcome>) {
        for run in chunk {
            testCorrect.withUnsafeMutableBufferPointer { run.testCorrect.addBits(into: $0.baseAddress!) }
            if let accuracy = tally.add(membership: run.membership, correct: run.trainCorrect) {
                lowestSubsetAccuracy = min(lowestSubsetAccuracy ?? accuracy, accuracy)
            }
        }
    }
}
