extension InfluenceAccumulator {
    /// The `count` largest same-class influences of the trial, largest first; see
    /// ``InfluencePair/top(in:count:minimumZ:)``.
    ///
    /// - Parameters:
    ///   - count: how many pairs to return at most.
    ///   - minimumZ: when set, keep only pairs with `influence > minimumZ · standardError`.
    public func topInfluencePairs(count: Int, minimumZ: Double? = nil) -> [InfluencePair] {
        InfluencePair.top(in: influenceBlocks(), count: count, minimumZ: minimumZ)
    }

    /// The `count` training examples of its class with the largest influence on test example `test`.
    ///
    /// - Parameters:
    ///   - test: the test example j.
    ///   - count: how many pairs to return at most.
    ///   - minimumZ: when set, keep only pairs with `influence > minimumZ · standardError`.
    public func topInfluencers(ofTest test: Int, count: Int, minimumZ: Double? = nil) -> [InfluencePair] {
        InfluencePair.top(
            in: influence(ofClass: partition.testLabels[test]), test: test, count: count, minimumZ: minimumZ)
    }
}
