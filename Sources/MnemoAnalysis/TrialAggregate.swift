import Foundation
import MnemoCore
import MnemoStore

/// One trial's estimates as they are counted: its ``InfluenceAccumulator`` and the runs' own figures
/// (``TrialRunTotals``), each run counted once, by its subset index.
///
/// `mnemo scores` and the exports build one from the database (``load(store:sweepID:trialIndex:)``);
/// a coordinator keeps one per trial it serves, rebuilt from the stored results when it starts and fed
/// every result it commits (``add(_:)``), and hands its ``snapshot`` to `mnemo scores`. A run both read
/// from the database and handed over as committed is counted once, so the two feeds may overlap.
public struct TrialAggregate: Sendable {
    /// A run's result, as the aggregate needs it.
    public struct Run: Sendable {
        /// The subset index k: the run's training mask, drawn from the sweep's seed and k.
        public var subset: Int
        /// Bit-packed correctness over the training and the test examples.
        public var trainBits: Data
        public var testBits: Data
        public var subsetAccuracy: Double
        public var testAccuracy: Double
        public var epochs: Int

        public init(subset: Int, trainBits: Data, testBits: Data, subsetAccuracy: Double, testAccuracy: Double, epochs: Int) {
            self.subset = subset
            self.trainBits = trainBits
            self.testBits = testBits
            self.subsetAccuracy = subsetAccuracy
            self.testAccuracy = testAccuracy
            self.epochs = epochs
        }

        /// A stored result.
        public init(_ row: ResultRow) {
            self.init(
                subset: row.subsetIndex, trainBits: row.trainBits, testBits: row.testBits,
                subsetAccuracy: row.subsetAccuracy, testAccuracy: row.testAccuracy, epochs: row.epochs)
        }
    }

    /// The sweep whose masks the runs trained on.
    public let sweep: SweepSpec
    public let dataset: DatasetSummary
    /// The trial's `until_train_accuracy`, if any.
    public let fitTarget: Double?
    public private(set) var accumulator: InfluenceAccumulator
    public private(set) var totals = TrialRunTotals()
    /// The subset indices counted, one bit each.
    private var counted: [UInt64] = []

    /// An empty aggregate of the trial named `trialName` of `sweep`.
    ///
    /// - Throws: ``EstimatorError`` when the dataset's labels do not fit its class count.
    public init(sweep: SweepSpec, trialName: String, dataset: DatasetSummary) throws(EstimatorError) {
        self.sweep = sweep
        self.dataset = dataset
        fitTarget = sweep.fitTarget(ofTrialNamed: trialName)
        accumulator = try InfluenceAccumulator(
            trainLabels: dataset.trainLabels.map(Int.init), testLabels: dataset.testLabels.map(Int.init),
            classCount: dataset.classCount)
    }

    /// The restored aggregate of a ``Snapshot`` taken of the trial named `trialName` of `sweep`.
    ///
    /// - Throws: ``EstimatorError`` or ``AnalysisError`` when the snapshot does not fit the dataset or
    ///   contradicts itself.
    public init(sweep: SweepSpec, trialName: String, dataset: DatasetSummary, snapshot: Snapshot) throws {
        try self.init(sweep: sweep, trialName: trialName, dataset: dataset)
        guard snapshot.totals.runs == snapshot.state.runs else {
            throw AnalysisError(
                "the live aggregate received reports \(snapshot.totals.runs) runs but counted \(snapshot.state.runs)")
        }
        accumulator = try InfluenceAccumulator(partition: accumulator.partition, state: snapshot.state)
        totals = snapshot.totals
    }

    /// Runs counted.
    public var runs: Int { accumulator.runs }

    /// What a copy of this aggregate needs besides the sweep and dataset it was built from.
    public struct Snapshot: Sendable, Equatable {
        public var state: InfluenceAccumulator.State
        public var totals: TrialRunTotals

        public init(state: InfluenceAccumulator.State, totals: TrialRunTotals) {
            self.state = state
            self.totals = totals
        }
    }

    public var snapshot: Snapshot { Snapshot(state: accumulator.state, totals: totals) }

    /// The bytes this aggregate holds (its same-class influence sums and per-example counts).
    public var memoryBytes: Int { InfluenceAccumulator.memoryBytes(partition: accumulator.partition) }

    /// The bytes an aggregate of `dataset` holds (its same-class influence sums and per-example counts).
    public static func memoryBytes(dataset: DatasetSummary) -> Int {
        guard let partition = try? ClassPartition(
            trainLabels: dataset.trainLabels.map(Int.init), testLabels: dataset.testLabels.map(Int.init),
            classCount: dataset.classCount)
        else { return 0 }
        return InfluenceAccumulator.memoryBytes(partition: partition)
    }

    /// Whether the run of subset `k` is counted already; marks it counted.
    private mutating func claim(_ k: Int) -> Bool {
        let (word, bit) = (k / 64, UInt64(1) << UInt64(k % 64))
        if word >= counted.count { counted += [UInt64](repeating: 0, count: word + 1 - counted.count) }
        defer { counted[word] |= bit }
        return counted[word] & bit == 0
    }

    /// Adds the runs not counted yet (their masks drawn here).
    ///
    /// - Throws: ``AnalysisError`` when a result's bits do not fit the dataset; ``EstimatorError``.
    public mutating func add(_ runs: [Run]) throws {
        let fresh = runs.filter { $0.subset >= 0 && claim($0.subset) }
        try add(fresh, memberships: fresh.map { sweep.membership(subset: $0.subset, count: dataset.trainLabels.count) })
    }

    private mutating func add(_ runs: [Run], memberships: [BitVector]) throws {
        let n = dataset.trainLabels.count
        let t = dataset.testLabels.count
        var outcomes: [RunOutcome] = []
        outcomes.reserveCapacity(runs.count)
        for (run, membership) in zip(runs, memberships) {
            do {
                outcomes.append(
                    RunOutcome(
                        membership: membership, trainCorrect: try BitVector(data: run.trainBits, count: n),
                        testCorrect: try BitVector(data: run.testBits, count: t)))
            } catch {
                throw AnalysisError("the result of subset \(run.subset) does not fit the dataset's \(n) train / \(t) test examples: \(error)")
            }
            totals.add(subsetAccuracy: run.subsetAccuracy, testAccuracy: run.testAccuracy, epochs: run.epochs, fitTarget: fitTarget)
        }
        try accumulator.add(outcomes)
    }

    /// Adds every stored result of trial `trialIndex` of sweep `sweepID` not counted yet, in blocks of
    /// ``TrialAnalysis/blockSize`` runs whose masks are drawn on another core while the previous block
    /// is added.
    ///
    /// - Throws: ``StoreError``; ``AnalysisError`` when a stored result does not fit the dataset.
    public mutating func load(store: Store, sweepID: String, trialIndex: Int) throws {
        var block: [Run] = []
        // The block whose masks are being drawn while the next one is read and the previous one added.
        var drawing: [Run] = []
        let masks = MembershipPipeline(sweep: sweep, count: dataset.trainLabels.count)
        /// Hands the block read to the mask drawer and adds the one drawn before it; called once more
        /// with nothing read, it adds the last block.
        func flush() throws {
            let previous = drawing
            let memberships = masks.finish()
            drawing = block
            block.removeAll(keepingCapacity: true)
            if !drawing.isEmpty { masks.start(drawing.map(\.subset)) }
            try add(previous, memberships: memberships)
        }
        try store.forEachResult(sweepID: sweepID, trialIndex: trialIndex) { row in
            guard claim(row.subsetIndex) else { return }
            block.append(Run(row))
            if block.count == TrialAnalysis.blockSize { try flush() }
        }
        try flush()
        try flush()
    }
}
