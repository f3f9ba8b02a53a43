/// The thresholds of an attack, chosen on the examples the attacker knows: the rule is "member when
/// the score is at least the threshold", and each threshold maximizes the balanced accuracy
/// `(TPR + TNR) / 2` on the known members and non-members (Song & Mittal 2021's choice, over the known
/// scores; the smallest of equally good thresholds).
///
/// Per class (the single-query metric attacks): a class without both a known member and a known
/// non-member takes the threshold chosen on all classes.
public struct MembershipThresholds: Sendable, Equatable {
    /// The threshold chosen on all known examples.
    public let global: Double
    /// The threshold of each class, nil when the class takes ``global``; empty for one threshold.
    public let perClass: [Double?]

    /// Chooses thresholds for `scores` (over all training examples) from the known examples.
    ///
    /// - Parameters:
    ///   - scores: every training example's score, higher meaning member.
    ///   - labels: every training example's label, or nil for one threshold for all classes.
    ///   - classCount: the number of classes (with `labels`).
    ///   - members: the known members (at least one).
    ///   - nonMembers: the known non-members (at least one).
    public init(scores: [Double], labels: [Int]?, classCount: Int, members: [Int], nonMembers: [Int]) {
        global = Self.best(members: members.map { scores[$0] }, nonMembers: nonMembers.map { scores[$0] })!
        guard let labels else {
            perClass = []
            return
        }
        perClass = (0..<classCount).map { c in
            Self.best(
                members: members.filter { labels[$0] == c }.map { scores[$0] },
                nonMembers: nonMembers.filter { labels[$0] == c }.map { scores[$0] })
        }
    }

    /// The threshold for an example of class `label`.
    public func threshold(forClass label: Int) -> Double {
        perClass.isEmpty ? global : perClass[label] ?? global
    }

    /// The known score that maximizes `(TPR + TNR) / 2` for "member when score ≥ threshold", the
    /// smallest on ties; nil when either side is empty.
    static func best(members: [Double], nonMembers: [Double]) -> Double? {
        guard !members.isEmpty, !nonMembers.isEmpty else { return nil }
        let sortedMembers = members.sorted()
        let sortedNonMembers = nonMembers.sorted()
        let candidates = (sortedMembers + sortedNonMembers).sorted()
        var best: (threshold: Double, accuracy: Double)?
        var membersBelow = 0
        var nonMembersBelow = 0
        var previous: Double?
        for candidate in candidates where candidate != previous {
            previous = candidate
            while membersBelow < sortedMembers.count && sortedMembers[membersBelow] < candidate { membersBelow += 1 }
            while nonMembersBelow < sortedNonMembers.count && sortedNonMembers[nonMembersBelow] < candidate { nonMembersBelow += 1 }
            let tpr = Double(sortedMembers.count - membersBelow) / Double(sortedMembers.count)
            let tnr = Double(nonMembersBelow) / Double(sortedNonMembers.count)
            let accuracy = (tpr + tnr) / 2
            if best == nil || accuracy > best!.accuracy { best = (candidate, accuracy) }
        }
        return best!.threshold
    }
}
