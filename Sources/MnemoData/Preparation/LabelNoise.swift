import MnemoCore

/// Planted label noise, shared by ``PreparedDataset`` and ``SyntheticDataset`` so that both flip
/// labels the same way.
enum LabelNoise {
    /// Flips exactly ⌊fraction · n⌋ of `labels`: the first of a permutation drawn from `rng`, then,
    /// in increasing index order, each gets a uniformly random other class drawn from the same `rng`.
    ///
    /// - Returns: the noisy labels and the sorted indices that were flipped.
    static func plant(
        in labels: [Int32], fraction: Double, classCount: Int, rng: inout CounterRNG
    ) -> (labels: [Int32], flipped: [Int]) {
        let flipCount = Int((fraction * Double(labels.count) + 1e-9).rounded(.down))
        guard flipCount > 0 else { return (labels, []) }
        let flipped = rng.permutation(of: labels.count).prefix(flipCount).sorted()
        var noisy = labels
        for index in flipped {
            noisy[index] = otherClass(than: noisy[index], classCount: classCount, rng: &rng)
        }
        return (noisy, flipped)
    }

    /// A uniformly random class other than `label`.
    static func otherClass(than label: Int32, classCount: Int, rng: inout CounterRNG) -> Int32 {
        let other = Int32(rng.nextIndex(below: classCount - 1))
        return other < label ? other : other + 1
    }
}
