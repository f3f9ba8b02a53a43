import Foundation
import MnemoCore
import MnemoStore

/// What a membership audit reads: the target run and the trial's other runs (the reference models) as
/// ``RunSignals``, with the training labels and the seed of the splits. Built from the database by
/// ``load(store:sweepName:trialIndex:targetIndex:attacks:)``, or in memory by tests.
public struct AuditInputs: Sendable {
    public var sweep: String
    public var trial: Int
    /// The target's position among the trial's runs, in subset order.
    public var targetIndex: Int
    /// The seed of the balanced subsample and of the splits (the sweep's).
    public var seed: UInt64
    /// Every training example's label.
    public var trainLabels: [Int]
    public var classCount: Int
    /// What the runs' `label_only` output measures on this dataset.
    public var labelOnlyKind: LabelOnlyKind
    /// The audited run.
    public var target: RunSignals
    /// The trial's other runs, in subset order.
    public var references: [RunSignals]

    public init(
        sweep: String, trial: Int, targetIndex: Int, seed: UInt64, trainLabels: [Int], classCount: Int,
        labelOnlyKind: LabelOnlyKind = .featureFlip, target: RunSignals, references: [RunSignals]
    ) {
        self.sweep = sweep
        self.trial = trial
        self.targetIndex = targetIndex
        self.seed = seed
        self.trainLabels = trainLabels
        self.classCount = classCount
        self.labelOnlyKind = labelOnlyKind
        self.target = target
        self.references = references
    }

    /// Reads trial `trialIndex` with its run `targetIndex` (in subset order) as the target, deriving the
    /// signals `attacks` read: all of them from the target, the shadow-model attacks' from the others.
    ///
    /// - Throws: ``AttackError/targetOutOfRange(target:trial:runs:)``, ``AttackError/missingArray(name:subset:)``,
    ///   ``AnalysisError`` when the sweep, trial or dataset summary is missing or the trial has no run.
    public static func load(
        store: Store, sweepName: String?, trialIndex: Int, targetIndex: Int, attacks: [MembershipAttack] = MembershipAttack.allCases
    ) throws -> AuditInputs {
        let stored = try StoredTrial.load(store: store, sweepName: sweepName, trialIndex: trialIndex)
        let runCount = try store.resultCount(sweepID: stored.record.id, trialIndex: trialIndex)
        guard runCount > 0 else { throw stored.noRunsYet }
        guard (0..<runCount).contains(targetIndex) else {
            throw AttackError.targetOutOfRange(target: targetIndex, trial: trialIndex, runs: runCount)
        }
        let targetSignals = Set(attacks.compactMap(\.signal))
        let referenceSignals = Set(attacks.filter(\.usesReferenceRuns).compactMap(\.signal))
        let trainLabels = stored.dataset.trainLabels.map(Int.init)
        let testLabels = stored.dataset.testLabels.map(Int.init)
        let outputs = stored.sweep.runOutputs.filter { $0 != .correctness }
        var target: RunSignals?
        var references: [RunSignals] = []
        var position = 0
        try store.forEachResult(sweepID: stored.record.id, trialIndex: trialIndex, arrays: true) { row in
            defer { position += 1 }
            let mask = stored.sweep.mask(subset: row.subsetIndex, count: trainLabels.count)
            func split(_ name: String, bits: Data, labels: [Int]) throws -> StoredOutputs {
                var arrays: [RunOutput: [Float]] = [:]
                for output in outputs {
                    let size = output.shape(count: labels.count, classes: stored.dataset.classCount).reduce(1, *)
                    guard let array = row.arrays.first(where: { $0.name == output.arrayName(name) }), array.data.count == 4 * size
                    else {
                        throw AttackError.missingArray(name: output.arrayName(name), subset: row.subsetIndex)
                    }
                    arrays[output] = array.values
                }
                return StoredOutputs(
                    correct: Array(try BitVector(data: bits, count: labels.count)), arrays: arrays, labels: labels,
                    classCount: stored.dataset.classCount)
            }
            let train = try split("train", bits: row.trainBits, labels: trainLabels)
            var run = RunSignals(
                subset: row.subsetIndex, isMember: mask.isMember, train: train,
                test: try split("test", bits: row.testBits, labels: testLabels),
                signals: position == targetIndex ? targetSignals : referenceSignals)
            if position == targetIndex, attacks.contains(.nn) { run.sortedProbabilities = train.sortedProbabilities() }
            if position == targetIndex { target = run } else { references.append(run) }
        }
        return AuditInputs(
            sweep: stored.record.id, trial: trialIndex, targetIndex: targetIndex, seed: stored.sweep.seed, trainLabels: trainLabels,
            classCount: stored.dataset.classCount, labelOnlyKind: .of(datasetName: stored.sweep.dataset.name), target: target!,
            references: references)
    }
}
