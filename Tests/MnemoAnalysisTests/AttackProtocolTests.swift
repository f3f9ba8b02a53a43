import MnemoAnalysis
import MnemoCore
import Testing

/// The SELENA protocol's pieces: balanced splits, thresholds chosen on the known half, the metrics.
@Suite struct AttackProtocolTests {
    @Test func splitsAreBalancedDisjointAndDeterministic() throws {
        // 70 members, 30 non-members: 30 of each are attacked, 15 known and 15 evaluated per side.
        let isMember = (0..<100).map { $0 % 10 < 7 }
        let splits = try AttackSplits(isMember: isMember, seed: 9)
        #expect(splits.members.count == 30 && splits.nonMembers.count == 30)
        #expect(splits.members.allSatisfy { isMember[$0] } && splits.nonMembers.allSatisfy { !isMember[$0] })
        #expect(splits.splits.count == AttackSplits.defaultCount && splits.evaluatedPerSide == 15)
        for split in splits.splits {
            #expect(Set(split.knownMembers).isDisjoint(with: split.evaluatedMembers))
            #expect(Set(split.knownMembers + split.evaluatedMembers) == Set(splits.members))
            #expect(Set(split.knownNonMembers + split.evaluatedNonMembers) == Set(splits.nonMembers))
            #expect(split.evaluatedMembers.count == 15 && split.evaluatedNonMembers.count == 15)
        }
        #expect(splits.splits[0] != splits.splits[1], "splits are drawn independently")
        #expect(try AttackSplits(isMember: isMember, seed: 9).splits == splits.splits)
        #expect(throws: AttackError.tooFewExamples(members: 9, nonMembers: 1)) {
            try AttackSplits(isMember: (0..<10).map { $0 > 0 }, seed: 1)
        }
    }

    /// Class 0 separates at 0.6 and class 1 at 6, but class 1's non-members score above class 0's
    /// members: per-class thresholds separate both, one threshold for all cannot.
    @Test func classDependentThresholds() {
        let scores = [0.6, 0.7, 0.1, 0.2, 6, 7, 1, 2]
        let labels = [0, 0, 0, 0, 1, 1, 1, 1]
        let members = [0, 1, 4, 5]
        let nonMembers = [2, 3, 6, 7]
        let perClass = MembershipThresholds(scores: scores, labels: labels, classCount: 2, members: members, nonMembers: nonMembers)
        #expect(perClass.threshold(forClass: 0) == 0.6 && perClass.threshold(forClass: 1) == 6)
        let decisions = scores.indices.map { scores[$0] - perClass.threshold(forClass: labels[$0]) }
        let truth = scores.indices.map { members.contains($0) }
        #expect(AttackMetrics.evaluate(decisionScores: decisions, isMember: truth).metrics.accuracy == 1)
        let global = MembershipThresholds(scores: scores, labels: nil, classCount: 2, members: members, nonMembers: nonMembers)
        let globalDecisions = scores.map { $0 - global.threshold(forClass: 0) }
        #expect(AttackMetrics.evaluate(decisionScores: globalDecisions, isMember: truth).metrics.accuracy < 1)
        // A class with no known non-member takes the threshold chosen on all classes.
        let lopsided = MembershipThresholds(
            scores: scores + [9], labels: labels + [2], classCount: 3, members: members + [8], nonMembers: nonMembers)
        #expect(lopsided.perClass[2] == nil && lopsided.threshold(forClass: 2) == lopsided.global)
    }

    /// Members decided at scores 1, 2, −1 and non-members at −1, −2, 0.5: TP 2, FP 1, so TPR 2/3,
    /// FPR 1/3, advantage 1/3, accuracy 4/6.
    @Test func accuracyAndAdvantageAtTheChosenThreshold() {
        let (metrics, curve) = AttackMetrics.evaluate(
            decisionScores: [1, 2, -1, -1, -2, 0.5], isMember: [true, true, true, false, false, false])
        #expect(abs(metrics.advantage - 1.0 / 3) < 1e-12)
        #expect(abs(metrics.accuracy - 4.0 / 6) < 1e-12)
        // Pairs: 2 beats all 3; 1 beats all 3; −1 beats −2, ties −1 (½), loses to 0.5 → (3 + 3 + 1.5) / 9.
        #expect(abs(metrics.auc - 7.5 / 9) < 1e-12 && curve.area == metrics.auc)
        let (mean, std) = AttackMetrics.summarize([metrics, metrics])
        #expect(mean == metrics && std.auc == 0)
    }

    @Test func attackListsParseAndNameTheKnownAttacks() throws {
        #expect(try MembershipAttack.parse(list: "loss, lira_online,loss") == [.loss, .liraOnline])
        #expect(throws: AttackError.unknownAttack("lira")) { try MembershipAttack.parse(list: "loss,lira") }
        #expect(AttackError.unknownAttack("x").description.contains("modified_entropy, loss, lira_offline, lira_online, rmia"))
    }
}
