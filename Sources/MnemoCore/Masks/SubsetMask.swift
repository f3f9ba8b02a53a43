/// Which training examples subset run k trains on, drawn from (sweep seed, k) alone, so masks are never
/// transmitted and every trial of a sweep shares them: exactly ⌊ratio · n⌋ examples under the
/// ``MaskScheme/random`` scheme, half of them or their complement under ``MaskScheme/balanced``.
public struct SubsetMask: Sendable, Equatable {
    /// The subset number within the sweep.
    public let subset: Int
    /// Sorted indices of the member examples.
    public let members: [Int]
    /// `isMember[i]` tells whether example i is in the subset.
    public let isMember: [Bool]

    /// The mask of subset `subset` over `count` training examples.
    ///
    /// - Parameters:
    ///   - seed: the sweep seed.
    ///   - subset: the subset index k.
    ///   - count: n, the number of training examples.
    ///   - ratio: r in (0, 1]; a random subset holds exactly ⌊r · n⌋ examples.
    ///   - scheme: random subsets, or complementary pairs (which ignore `ratio`: the sweep parser
    ///     requires 0.5): subset 2k holds the first ⌊n/2⌋ of pair k's permutation, 2k + 1 the rest.
    public init(seed: UInt64, subset: Int, count: Int, ratio: Double, scheme: MaskScheme = .random) {
        precondition(ratio > 0 && ratio <= 1, "subset ratio must be in (0, 1]")
        let chosen: [Int]
        switch scheme {
        case .random:
            var rng = CounterRNG(key: seed, stream: RandomStream.subsetBase &+ UInt64(subset))
            chosen = rng.permutation(of: count).prefix(Self.size(count: count, ratio: ratio)).sorted()
        case .balanced:
            var rng = CounterRNG(key: seed, stream: RandomStream.balancedPairBase &+ UInt64(subset / 2))
            let permutation = rng.permutation(of: count)
            let half = count / 2
            chosen = (subset.isMultiple(of: 2) ? permutation[..<half] : permutation[half...]).sorted()
        case .leaveOneOut:
            let left = subset % (count + 1) - 1
            chosen = (0..<count).filter { $0 != left }
        }
        var isMember = [Bool](repeating: false, count: count)
        for i in chosen { isMember[i] = true }
        self.subset = subset
        self.members = chosen
        self.isMember = isMember
    }

    /// ⌊ratio · count⌋, computed so that exact fractions (0.7 · 10) do not lose one to rounding.
    public static func size(count: Int, ratio: Double) -> Int {
        Int((ratio * Double(count) + 1e-9).rounded(.down))
    }
}
