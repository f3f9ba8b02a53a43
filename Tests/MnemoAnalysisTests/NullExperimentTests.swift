import Foundation
import MnemoAnalysis
import MnemoCore
import Testing

/// The null experiment: runs whose outputs are independent of membership. Every example has a fixed
/// difficulty shared by all runs (as real examples do) and each run adds its own noise, but no run's
/// logits depend on its subset; so no attack may tell the target's "members" from its non-members.
@Suite struct NullExperimentTests {
    static let trainCount = 16_000
    static let testCount = 1_000
    static let classCount = 4
    static let referenceRuns = 16

    /// Logits of every example for one run: the example's own difficulty plus the run's noise.
    static func logits(base: [Float], run: Int) -> [Float] {
        var rng = CounterRNG(key: 2024, stream: 100 + UInt64(run))
        return base.map { $0 + rng.nextGaussian() }
    }

    /// Per-example difficulty: random logits, the label's raised by 1.5 so most are classified right.
    static func base(labels: [Int], stream: UInt64) -> [Float] {
        var rng = CounterRNG(key: 2024, stream: stream)
        return labels.flatMap { label in (0..<classCount).map { 1.5 * rng.nextGaussian() + ($0 == label ? 1.5 : 0) } }
    }

    /// The run's outputs: its logits, and a label-only score from each example's margin in them, on
    /// the augmentation attack's grid of k / 162 (so it ignores membership as the logits do).
    static func outputs(_ logits: [Float], labels: [Int]) -> StoredOutputs {
        let rows = labels.indices.map { i in Array(logits[i * classCount..<(i + 1) * classCount]) }
        let correct = labels.indices.map { i in rows[i].firstIndex(of: rows[i].max()!)! == labels[i] }
        let labelOnly = labels.indices.map { i in
            let margin = rows[i][labels[i]] - rows[i].enumerated().filter { $0.offset != labels[i] }.map(\.element).max()!
            return (162 / (1 + Foundation.exp(-margin))).rounded() / 162
        }
        return StoredOutputs(correct: correct, arrays: [.logits: logits, .labelOnly: labelOnly], labels: labels, classCount: classCount)
    }

    @Test func noAttackTellsMembersWhenOutputsIgnoreMembership() throws {
        var labelRNG = CounterRNG(key: 2024, stream: 1)
        let trainLabels = (0..<Self.trainCount).map { _ in labelRNG.nextIndex(below: Self.classCount) }
        let testLabels = (0..<Self.testCount).map { _ in labelRNG.nextIndex(below: Self.classCount) }
        let trainBase = Self.base(labels: trainLabels, stream: 2)
        let testBase = Self.base(labels: testLabels, stream: 3)
        let signals = Set(MembershipSignal.allCases)
        let runs = (0...Self.referenceRuns).map { run in
            RunSignals(
                subset: run, isMember: SubsetMask(seed: 2024, subset: run, count: Self.trainCount, ratio: 0.5).isMember,
                train: Self.outputs(Self.logits(base: trainBase, run: run), labels: trainLabels),
                test: Self.outputs(Self.logits(base: testBase, run: 1000 + run), labels: testLabels), signals: signals)
        }
        var target = runs[0]
        target.sortedProbabilities = Self.outputs(Self.logits(base: trainBase, run: 0), labels: trainLabels).sortedProbabilities()
        let inputs = AuditInputs(
            sweep: "null", trial: 0, targetIndex: 0, seed: 2024, trainLabels: trainLabels, classCount: Self.classCount,
            target: target, references: Array(runs.dropFirst()))
        let audit = try MembershipAudit.run(inputs)
        let perSide = Double(audit.evaluatedPerSide)
        #expect(audit.evaluatedPerSide >= 4000)
        #expect(
            audit.results.map(\.attack)
                == [.correctness, .confidence, .entropy, .modifiedEntropy, .loss, .liraOffline, .liraOnline, .rmia, .nn, .featureFlip])
        // One label-only attack per dataset: the other is skipped here, and runs on image data.
        #expect(audit.skipped.map(\.attack) == [.augmentation])
        var images = inputs
        images.labelOnlyKind = .augmentation
        let augmentation = try MembershipAudit.run(images, attacks: [.augmentation, .featureFlip])
        #expect(augmentation.results.map(\.attack) == [.augmentation] && augmentation.skipped.map(\.attack) == [.featureFlip])
        // Under the null, AUC has SE √((P + N + 1) / (12 P N)) and the advantage at a fixed threshold at
        // most √(¼/P + ¼/N); both about 0.006 and 0.011 here.
        let aucSE = ((2 * perSide + 1) / (12 * perSide * perSide)).squareRoot()
        let advantageSE = (0.5 / perSide).squareRoot()
        for result in audit.results + augmentation.results {
            print(
                "null experiment \(result.attack.rawValue): AUC \(result.mean.auc) ± \(result.std.auc) (null SE \(aucSE)), "
                    + "advantage \(result.mean.advantage) ± \(result.std.advantage) (SE at most \(advantageSE)), "
                    + "TPR@1%FPR \(result.mean.tprAtOnePercentFPR)")
            #expect(abs(result.mean.advantage) < 0.03, "\(result.attack): advantage \(result.mean.advantage)")
            #expect((0.47...0.53).contains(result.mean.auc), "\(result.attack): AUC \(result.mean.auc)")
        }
    }

    /// What is skipped and why, in memory: without float outputs only correctness runs; with one
    /// reference run the shadow-model attacks say they need more; with nothing runnable the audit fails.
    @Test func skippedAttacksSayWhatTheyNeed() throws {
        let labels = (0..<40).map { $0 % 2 }
        let bitsOnly = StoredOutputs(correct: labels.map { $0 == 0 }, arrays: [:], labels: labels, classCount: 2)
        let target = RunSignals(
            subset: 0, isMember: labels.indices.map { $0 < 20 }, train: bitsOnly, test: bitsOnly, signals: Set(MembershipSignal.allCases))
        let inputs = AuditInputs(
            sweep: "s", trial: 0, targetIndex: 0, seed: 1, trainLabels: labels, classCount: 2, target: target, references: [target])
        let audit = try MembershipAudit.run(inputs)
        #expect(audit.results.map(\.attack) == [.correctness])
        let needs = Dictionary(uniqueKeysWithValues: audit.skipped.map { ($0.attack, $0.needs) })
        #expect(needs[.loss] == "logits or loss or confidence or probability")
        #expect(needs[.liraOnline] == "logits or loss" && needs[.entropy] == "logits or probability")
        #expect(needs[.nn] == "outputs: [probability] or [logits] (its features)")
        #expect(needs[.featureFlip] == "label_only" && needs[.augmentation]?.hasPrefix("an image dataset") == true)
        #expect(throws: AttackError.self) { try MembershipAudit.run(inputs, attacks: [.entropy, .nn]) }

        let withLoss = StoredOutputs(
            correct: bitsOnly.correct, arrays: [.loss: labels.map { Float($0) + 0.1 }], labels: labels, classCount: 2)
        let lossTarget = RunSignals(
            subset: 0, isMember: target.isMember, train: withLoss, test: withLoss, signals: Set(MembershipSignal.allCases))
        var oneReference = inputs
        oneReference.target = lossTarget
        oneReference.references = [lossTarget]
        let shadow = try MembershipAudit.run(oneReference, attacks: [.loss, .liraOffline, .rmia])
        #expect(shadow.results.map(\.attack) == [.loss])
        #expect(shadow.skipped.allSatisfy { $0.needs.contains("at least 2 reference runs") })
    }
}
