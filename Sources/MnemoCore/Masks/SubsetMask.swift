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
        var isMember = [Bool](repeating: false, count: count)
        Self.forEachMember(seed: seed, subset: subset, count: count, ratio: ratio, scheme: scheme) { isMember[$0] = true }
        // Members in ascending order by a scan: the same set, without sorting it.
        self.subset = subset
        self.members = isMember.indices.filter { isMember[$0] }
        self.isMember = isMember
    }

    /// The mask's membership as packed bits (bit i set when example i is in the subset), without its
    /// index lists: what the estimators take, at a fraction of the cost.
    public static func bits(seed: UInt64, subset: Int, count: Int, ratio: Double, scheme: MaskScheme = .random) -> BitVector {
        var bytes = [UInt8](repeating: 0, count: BitVector.byteCount(for: count))
        bytes.withUnsafeMutableBufferPointer { target in
            forEachMember(seed: seed, subset: subset, count: count, ratio: ratio, scheme: scheme) { i in
                target[i >> 3] |= 1 << UInt8(i & 7)
            }
        }
        // The bytes hold exactly `count` bits with zero padding by construction.
        return try! BitVector(bytes: bytes, count: count)
    }

    /// Calls `body` with every member of the subset (in no particular order).
    private static func forEachMember(
        seed: UInt64, subset: Int, count: Int, ratio: Double, scheme: MaskScheme, _ body: (Int) -> Void
    ) {
        precondition(ratio > 0 && ratio <= 1, "subset ratio must be in (0, 1]")
        switch scheme {
        case .random:
            var rng = CounterRNG(key: seed, stream: RandomStream.subsetBase &+ UInt64(subset))
            let size = size(count: count, ratio: ratio)
            rng.permutation(of: count, prefixAsSet: size).prefix(size).forEach(body)
        case .balanced:
            var rng = CounterRNG(key: seed, stream: RandomStream.balancedPairBase &+ UInt64(subset / 2))
            let half = count / 2
            let permutation = rng.permutation(of: count, prefixAsSet: half)
            (subset.isMultiple(of: 2) ? permutation[..<half] : permutation[half...]).forEach(body)
        case .leaveOneOut:
            let left = subset % (count + 1) - 1
            for i in 0..<count where i != left { body(i) }
        }
    }

    /// ⌊ratio · count⌋, computed so that exact fractions (0.7 · 10) do not lose one to rounding.
    public static func size(count: Int, ratio: Double) -> Int {
        Int((ratio * Double(count) + 1e-9).rounded(.down))
    }
}
