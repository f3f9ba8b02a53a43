import Foundation
import MnemoAnalysis
import MnemoCore
import MnemoWire
import Testing

@testable import MnemoCluster

/// A trial's live aggregate survives its trip from the coordinator to `mnemo scores` exactly, runs
/// handed over twice are counted once, and a damaged copy is refused rather than turned into scores.
@Suite struct AggregateTransferTests {
    static let sweep = try! SweepParser.parse(
        yaml: """
            name: live
            seed: 5
            dataset: {name: synthetic, synthetic: {class_count: 3, dimension: 4, common_modes_per_class: 1, common_mode_size: 5, rare_modes_per_class: 0, common_test_size: 3}}
            model: {kind: softmax}
            training: {batch_size: 10, learning_rate: 0.1, max_epochs: 1}
            estimator: {subsets: 40, ratio: 0.5}
            """, file: "live.yaml")
    static let dataset = DatasetSummary(
        contentHash: "h", classCount: 3, trainLabels: (0..<70).map { Int32($0 % 3) },
        originalTrainLabels: (0..<70).map { Int32($0 % 3) }, testLabels: (0..<20).map { Int32($0 % 3) }, flippedIndices: [])

    /// Runs with pseudo-random correctness bits, a fixed function of the subset.
    static func runs(_ subsets: Range<Int>) -> [TrialAggregate.Run] {
        subsets.map { k in
            var generator = CounterRNG(key: 0x11FE, stream: UInt64(k))
            func bits(_ count: Int) -> Data {
                BitVector((0..<count).map { _ in generator.next() % 3 != 0 }).data
            }
            return TrialAggregate.Run(
                subset: k, trainBits: bits(70), testBits: bits(20), subsetAccuracy: Double(k % 7) / 7,
                testAccuracy: 0.5, epochs: k % 4 + 1)
        }
    }

    static func empty() throws -> TrialAggregate {
        try TrialAggregate(sweep: sweep, trialName: sweep.trials[0].name, dataset: dataset)
    }

    @Test func runsHandedOverTwiceOrInAnyOrderAreCountedOnce() throws {
        var once = try Self.empty()
        try once.add(Self.runs(0..<30))
        var overlapping = try Self.empty()
        try overlapping.add(Array(Self.runs(10..<30).reversed()))
        try overlapping.add(Self.runs(0..<15))
        try overlapping.add(Self.runs(5..<30))
        #expect(overlapping.runs == 30)
        #expect(overlapping.accumulator == once.accumulator)
        #expect(overlapping.totals.runs == 30)
        #expect(overlapping.totals.epochsSum == once.totals.epochsSum)
        #expect(overlapping.totals.lowestSubsetAccuracy == 0)
    }

    @Test func aSnapshotTravelsExactly() throws {
        var aggregate = try Self.empty()
        try aggregate.add(Self.runs(0..<40))
        let reply = try AggregateTransfer.reply(aggregate.snapshot, sweep: "live", trial: 0)
        let (document, snapshot) = try AggregateTransfer.snapshot(from: reply)
        #expect(document.sweep == "live" && document.trial == 0 && document.totals.runs == 40)
        let restored = try TrialAggregate(sweep: Self.sweep, trialName: Self.sweep.trials[0].name, dataset: Self.dataset, snapshot: snapshot)
        #expect(restored.accumulator == aggregate.accumulator)
        #expect(restored.totals == aggregate.totals)
        #expect(restored.accumulator.memorization().values.count == 70)
    }

    @Test func aDamagedCopyIsRefused() throws {
        var aggregate = try Self.empty()
        try aggregate.add(Self.runs(0..<12))
        let reply = try AggregateTransfer.reply(aggregate.snapshot, sweep: "live", trial: 0)

        var truncated = reply
        truncated.payload = reply.payload?.dropLast(4)
        #expect(throws: AdminError.self) { try AggregateTransfer.snapshot(from: truncated) }

        var noDocument = reply
        noDocument.aggregateDocument = nil
        #expect(throws: AdminError.self) { try AggregateTransfer.snapshot(from: noDocument) }

        // A count above the runs (the first training example in 4 billion runs of 12).
        var inflated = reply
        inflated.payload?.replaceSubrange(0..<4, with: [0xFF, 0xFF, 0xFF, 0xFF])
        let (_, bad) = try AggregateTransfer.snapshot(from: inflated)
        #expect(throws: EstimatorError.self) {
            try TrialAggregate(sweep: Self.sweep, trialName: Self.sweep.trials[0].name, dataset: Self.dataset, snapshot: bad)
        }

        // An influence sum that is not a whole number of runs.
        var fractional = reply
        let sumsStart = 4 * (3 * 70 + 20)
        fractional.payload?.replaceSubrange(sumsStart..<sumsStart + 4, with: withUnsafeBytes(of: Float(0.5).bitPattern.littleEndian) { Array($0) })
        let (_, half) = try AggregateTransfer.snapshot(from: fractional)
        #expect(throws: EstimatorError.self) {
            try TrialAggregate(sweep: Self.sweep, trialName: Self.sweep.trials[0].name, dataset: Self.dataset, snapshot: half)
        }
    }
}
