import MnemoCore
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
