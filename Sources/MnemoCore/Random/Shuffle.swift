extension CounterRNG {
    /// A uniform integer in `0..<upperBound` without modulo bias (Lemire's method).
    public mutating func nextIndex(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "upper bound must be positive")
        let bound = UInt64(upperBound)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return Int(product.high)
    }

    /// The first `prefix` entries of ``permutation(of:)`` as a set, and the others exactly: the array
    /// ``permutation(of:)`` returns, except that its first `prefix` entries may come in another order.
    ///
    /// Fisher–Yates fixes position i when it swaps it (from the last down), and the swaps below
    /// `prefix` only exchange entries within the prefix; stopping there draws `count − prefix` values
    /// instead of `count − 1` (a 70% subset of 50,000 costs 15,000 draws, not 50,000).
    public mutating func permutation(of count: Int, prefixAsSet prefix: Int) -> [Int] {
        [Int](unsafeUninitializedCapacity: count) { indices, initialized in
            for i in 0..<count { indices[i] = i }
            if count > 1 {
                for i in stride(from: count - 1, through: max(prefix, 1), by: -1) {
                    indices.swapAt(i, nextIndex(below: i + 1))
                }
            }
            initialized = count
        }
    }

    /// A uniformly random permutation of `0..<count` (Fisher–Yates).
    public mutating func permutation(of count: Int) -> [Int] {
        [Int](unsafeUninitializedCapacity: count) { indices, initialized in
            for i in 0..<count { indices[i] = i }
            if count > 1 {
                for i in stride(from: count - 1, to: 0, by: -1) {
                    indices.swapAt(i, nextIndex(below: i + 1))
                }
            }
            initialized = count
        }
    }
}
