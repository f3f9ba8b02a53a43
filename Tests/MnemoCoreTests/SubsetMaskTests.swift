import MnemoCore
import MnemoTestSupport
import Testing

@Suite struct SubsetMaskTests {
    @Test(arguments: [(10, 0.7, 7), (5000, 0.7, 3500), (3, 0.5, 1), (1001, 0.7, 700)])
    func hasExactlyFloorRatioTimesNMembers(count: Int, ratio: Double, expected: Int) {
        let mask = SubsetMask(seed: 42, subset: 3, count: count, ratio: ratio)
        #expect(mask.members.count == expected)
        #expect(mask.isMember.filter { $0 }.count == expected)
        #expect(Set(mask.members).count == expected)
        #expect(mask.members == mask.members.sorted())
        #expect(mask.members.allSatisfy { mask.isMember[$0] })
    }

    @Test func isAFunctionOfSeedAndSubsetOnly() {
        let a = SubsetMask(seed: 9, subset: 5, count: 1000, ratio: 0.7)
        let b = SubsetMask(seed: 9, subset: 5, count: 1000, ratio: 0.7)
        #expect(a == b)
        #expect(a != SubsetMask(seed: 9, subset: 6, count: 1000, ratio: 0.7))
        #expect(a != SubsetMask(seed: 10, subset: 5, count: 1000, ratio: 0.7))
    }

    @Test func membershipFrequencyIsUnbiased() {
        let count = 200
        var hits = [Int](repeating: 0, count: count)
        for subset in 0..<400 {
            for i in SubsetMask(seed: 1, subset: subset, count: count, ratio: 0.5).members { hits[i] += 1 }
        }
        // Each example is in a subset with probability 1/2: 400 draws give mean 200, sd 10.
        #expect(hits.allSatisfy { (150...250).contains($0) })
    }

    @Test(arguments: [10, 11, 1000])
    func balancedMasksComeInComplementaryPairs(count: Int) {
        for pair in 0..<4 {
            let even = SubsetMask(seed: 3, subset: 2 * pair, count: count, ratio: 0.5, scheme: .balanced)
            let odd = SubsetMask(seed: 3, subset: 2 * pair + 1, count: count, ratio: 0.5, scheme: .balanced)
            #expect(even.members.count == count / 2)
            #expect(odd.members.count == count - count / 2)
            #expect(zip(even.isMember, odd.isMember).allSatisfy { $0 != $1 }, "run \(2 * pair + 1) is the complement of run \(2 * pair)")
            #expect(even == SubsetMask(seed: 3, subset: 2 * pair, count: count, ratio: 0.5, scheme: .balanced))
        }
        let first = SubsetMask(seed: 3, subset: 0, count: count, ratio: 0.5, scheme: .balanced)
        #expect(first != SubsetMask(seed: 3, subset: 2, count: count, ratio: 0.5, scheme: .balanced), "pairs differ")
        #expect(first != SubsetMask(seed: 4, subset: 0, count: count, ratio: 0.5, scheme: .balanced), "seeds differ")
    }

    @Test func everyExampleIsInExactlyHalfTheRunsOfABalancedStudy() {
        var hits = [Int](repeating: 0, count: 101)
        for subset in 0..<40 {
            for i in SubsetMask(seed: 5, subset: subset, count: 101, ratio: 0.5, scheme: .balanced).members { hits[i] += 1 }
        }
        #expect(hits.allSatisfy { $0 == 20 })
    }

    @Test(arguments: [MaskScheme.random, .balanced, .leaveOneOut])
    func packedBitsAreTheMembership(scheme: MaskScheme) {
        for (subset, count) in [(0, 10), (3, 1001), (7, 13)] {
            let ratio = scheme == .random ? 0.7 : scheme == .balanced ? 0.5 : 1
            let mask = SubsetMask(seed: 11, subset: subset, count: count, ratio: ratio, scheme: scheme)
            #expect(SubsetMask.bits(seed: 11, subset: subset, count: count, ratio: ratio, scheme: scheme) == BitVector(mask.isMember))
        }
    }

    /// Masks of stored sweeps depend on these exact outputs: an independent implementation of the
    /// documented function (SplitMix64's finalizer over a Weyl sequence) and of Lemire's bounded draws
    /// and Fisher–Yates must agree with the generator and with a mask.
    @Test(.enabled(if: NumPy.isAvailable, "python3 is not installed"))
    func outputsAndMasksMatchAnIndependentImplementation() throws {
        let script = """
            import sys
            M = (1 << 64) - 1
            def mix(z):
                z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
                z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
                return z ^ (z >> 31)
            def stream(key, s):
                k = mix((key + mix((s + 0x632BE59BD9B4E019) & M)) & M)
                c = 0
                while True:
                    yield mix((k + c * 0x9E3779B97F4A7C15) & M); c += 1
            g = stream(42, 7)
            print(",".join(str(next(g)) for _ in range(5)))
            def below(g, bound):
                p = next(g) * bound
                if p & M < bound:
                    threshold = ((1 << 64) - bound) % bound
                    while p & M < threshold: p = next(g) * bound
                return p >> 64
            g = stream(9, 0x10000000 + 5)
            a = list(range(1000))
            for i in range(999, 0, -1):
                j = below(g, i + 1); a[i], a[j] = a[j], a[i]
            print(",".join(str(x) for x in sorted(a[:700])))
            """
        let lines = try NumPy.run(script).split(separator: "\n").map { $0.split(separator: ",").compactMap { UInt64($0) } }
        var rng = CounterRNG(key: 42, stream: 7)
        #expect((0..<5).map { _ in rng.next() } == lines[0])
        #expect(CounterRNG.value(key: 42, stream: 7, counter: 3) == lines[0][3])
        #expect(SubsetMask(seed: 9, subset: 5, count: 1000, ratio: 0.7).members.map(UInt64.init) == lines[1])
    }

    @Test func aPermutationStoppedAtItsPrefixHasThePrefixsSetAndTheRestExactly() {
        for (count, prefix) in [(1000, 700), (1001, 500), (10, 0), (10, 10), (2, 1), (1, 1)] {
            var full = CounterRNG(key: 3, stream: 9)
            var partial = CounterRNG(key: 3, stream: 9)
            let whole = full.permutation(of: count)
            let stopped = partial.permutation(of: count, prefixAsSet: prefix)
            #expect(Set(whole.prefix(prefix)) == Set(stopped.prefix(prefix)), "\(count), \(prefix)")
            #expect(Array(whole.dropFirst(prefix)) == Array(stopped.dropFirst(prefix)), "\(count), \(prefix)")
        }
    }

    @Test func counterRNGIsReproducibleAndStreamsDiffer() {
        var a = CounterRNG(key: 1, stream: 2)
        var b = CounterRNG(key: 1, stream: 2)
        var c = CounterRNG(key: 1, stream: 3)
        let first = (0..<8).map { _ in a.next() }
        #expect(first == (0..<8).map { _ in b.next() })
        #expect(first != (0..<8).map { _ in c.next() })
        #expect(CounterRNG.value(key: 1, stream: 2, counter: 5) == first[5])
    }
}
