import MnemoCore

/// The examples an audit attacks and how they are split, following the SELENA protocol (Tang et al.
/// 2022, "Mitigating Membership Inference Attacks by Self-Distillation Through a Novel Ensemble
/// Architecture"): the target's members and an equal number of its non-members (the larger side
/// subsampled from a fixed seed); in each split the attacker knows half of each side (to choose
/// thresholds) and the attack is evaluated on the other halves.
///
/// Non-members are the training examples outside the target's subset, not the test set: they are drawn
/// like the members, and the reference runs have them both IN and OUT, which LiRA's online test needs.
public struct AttackSplits: Sendable {
    /// One split: disjoint known and evaluated halves of the members and of the non-members.
    public struct Split: Sendable, Equatable {
        public var knownMembers: [Int]
        public var knownNonMembers: [Int]
        public var evaluatedMembers: [Int]
        public var evaluatedNonMembers: [Int]
    }

    /// The number of splits an audit averages over.
    public static let defaultCount = 5

    /// The attacked members (training indices, ascending).
    public let members: [Int]
    /// The attacked non-members, as many as the members.
    public let nonMembers: [Int]
    /// The splits.
    public let splits: [Split]

    /// Balances and splits the training examples of a target whose subset is `isMember`.
    ///
    /// - Parameters:
    ///   - isMember: the target's training mask.
    ///   - seed: the seed of every draw (the sweep's).
    ///   - count: how many splits.
    /// - Throws: ``AttackError/tooFewExamples(members:nonMembers:)`` with fewer than 2 on either side.
    public init(isMember: [Bool], seed: UInt64, count: Int = defaultCount) throws(AttackError) {
        let allMembers = isMember.indices.filter { isMember[$0] }
        let allNonMembers = isMember.indices.filter { !isMember[$0] }
        let size = min(allMembers.count, allNonMembers.count)
        guard size >= 2 else { throw .tooFewExamples(members: allMembers.count, nonMembers: allNonMembers.count) }
        var rng = CounterRNG(key: seed, stream: RandomStream.membershipAuditBase)
        members = Self.sample(allMembers, size, &rng)
        nonMembers = Self.sample(allNonMembers, size, &rng)
        let known = size / 2
        splits = (0..<count).map { [members, nonMembers] split in
            var rng = CounterRNG(key: seed, stream: RandomStream.membershipAuditBase + 1 + UInt64(split))
            let memberOrder = rng.permutation(of: size).map { members[$0] }
            let nonMemberOrder = rng.permutation(of: size).map { nonMembers[$0] }
            return Split(
                knownMembers: memberOrder[..<known].sorted(), knownNonMembers: nonMemberOrder[..<known].sorted(),
                evaluatedMembers: memberOrder[known...].sorted(), evaluatedNonMembers: nonMemberOrder[known...].sorted())
        }
    }

    /// How many members (and as many non-members) each split evaluates.
    public var evaluatedPerSide: Int { members.count - members.count / 2 }

    /// `size` of `indices` drawn without replacement (all of them when there are no more), ascending.
    private static func sample(_ indices: [Int], _ size: Int, _ rng: inout CounterRNG) -> [Int] {
        guard indices.count > size else { return indices }
        return rng.permutation(of: indices.count).prefix(size).map { indices[$0] }.sorted()
    }
}
