/// Which training examples subset run k trains on: exactly ⌊ratio · n⌋ of them, drawn from
/// (sweep seed, k) alone, so masks are never transmitted and every trial of a sweep shares them.
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
    ///   - ratio: r in (0, 1]; the subset holds exactly ⌊r · n⌋ examples.
    public init(seed: UInt64, subset: Int, count: Int, ratio: Double) {
        precondition(ratio > 0 && ratio <= 1, "subset ratio must be in (0, 1]")
        let size = Self.size(count: count, ratio: ratio)
        var rng = CounterRNG(key: seed, stream: RandomStream.subsetBase &+ UInt64(subset))
        let chosen = rng.permutation(of: count).prefix(size).sorted()
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
