import Foundation

/// A counter-based random number generator: the n-th output is a pure function of (key, stream, n).
///
/// Anything random in Mnemo (subset masks, weight init, shuffles, planted label noise) draws from one
/// of these, keyed by the sweep seed and a stream number that names its purpose, so that any process can
/// recompute the same values without receiving them. The mixing function is SplitMix64's finalizer applied
/// twice over a Weyl sequence, which passes BigCrush for independent streams.
public struct CounterRNG: RandomNumberGenerator, Sendable {
    /// The seed shared by everything in one sweep.
    public let key: UInt64
    /// Which independent sequence under `key` this generator walks.
    public let stream: UInt64
    /// How many outputs have been drawn so far.
    public private(set) var counter: UInt64
    /// The stream's key, mixed once: each output then costs one mix.
    private let streamKey: UInt64

    /// A generator at the start of sequence `stream` under `key`.
    public init(key: UInt64, stream: UInt64, counter: UInt64 = 0) {
        self.key = key
        self.stream = stream
        self.counter = counter
        streamKey = Self.streamKey(key: key, stream: stream)
    }

    /// The value at position `counter`, without advancing.
    public static func value(key: UInt64, stream: UInt64, counter: UInt64) -> UInt64 {
        mix(streamKey(key: key, stream: stream) &+ counter &* 0x9E37_79B9_7F4A_7C15)
    }

    private static func streamKey(key: UInt64, stream: UInt64) -> UInt64 {
        mix(key &+ mix(stream &+ 0x632B_E59B_D9B4_E019))
    }

    public mutating func next() -> UInt64 {
        defer { counter &+= 1 }
        return Self.mix(streamKey &+ counter &* 0x9E37_79B9_7F4A_7C15)
    }

    /// A uniform `Float` in [0, 1) with 24 random bits.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform `Double` in [0, 1) with 53 random bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A standard normal sample (Box–Muller; deterministic for the counter position).
    public mutating func nextGaussian() -> Float {
        let u1 = max(nextUnitDouble(), 0x1p-53)
        let u2 = nextUnitDouble()
        return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }

    private static func mix(_ input: UInt64) -> UInt64 {
        var z = input
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Stream numbers that name what a random sequence is for, so that purposes never share draws.
public enum RandomStream {
    /// Subset masks use streams `subsetBase + k` for subset k.
    public static let subsetBase: UInt64 = 0x1000_0000
    /// The deterministic selection of the train/test examples used by a sweep.
    public static let datasetSelection: UInt64 = 1
    /// Planted label noise.
    public static let labelNoise: UInt64 = 2
    /// The train/test split of a dataset published as one set.
    public static let datasetSplit: UInt64 = 3
    /// Generated synthetic datasets and what is planted in them.
    public static let syntheticData: UInt64 = 4
    /// Memorization pairs planted in a dataset that was not generated (`dataset.duplicates`).
    public static let plantedDuplicates: UInt64 = 5
    /// Model weight initialisation and batch order of a task: `trainingBase + task seed`.
    public static let trainingBase: UInt64 = 0x2000_0000
    /// Membership-inference audits: the balanced subsample of a target's members and non-members
    /// (`membershipAuditBase`) and its attacker/evaluation splits (`membershipAuditBase + 1 + s`).
    public static let membershipAuditBase: UInt64 = 0x3000_0000
    /// Balanced (complementary) masks use stream `balancedPairBase + k` for the pair of runs 2k, 2k + 1.
    public static let balancedPairBase: UInt64 = 0x4000_0000
}
