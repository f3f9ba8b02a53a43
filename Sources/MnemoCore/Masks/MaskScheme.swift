/// How the subsets of a sweep's runs are drawn (`estimator.masks` in a sweep file).
public enum MaskScheme: String, Codable, Sendable, CaseIterable {
    /// Independent subsets: run k holds ⌊ratio · n⌋ examples drawn from (seed, k) alone.
    case random
    /// LiRA-style complementary pairs: run 2k holds ⌊n/2⌋ examples drawn from (seed, k) and run 2k + 1
    /// holds the others, so every example is in exactly half the runs of every pair. Needs `ratio: 0.5`
    /// and an even number of subsets; masks still depend only on the seed and the run, so a study grows
    /// by whole pairs.
    case balanced
    /// Exact leave-one-out (`estimator: {kind: loo, seeds: S}`): per seed, n + 1 runs sharing one training
    /// seed — run 0 of the seed trains on every example, run p on all but example p − 1. Run r belongs to
    /// seed r / (n + 1). Meant for small validation sets.
    case leaveOneOut = "leave_one_out"
}
