/// Per-example statistics of a signal over the reference runs, split by whether each run trained on
/// the example (IN) or not (OUT): what LiRA fits its Gaussians to and what RMIA averages.
public struct ReferenceStatistics: Sendable {
    /// The statistics of one side (IN or OUT) for every example.
    public struct Side: Sendable {
        /// How many reference runs are on this side of each example.
        public var counts: [Int]
        /// Each example's mean over them (NaN without any).
        public var means: [Double]
        /// Each example's sum of squared deviations from its mean.
        public var squares: [Double]

        init(count: Int) {
            counts = [Int](repeating: 0, count: count)
            means = [Double](repeating: .nan, count: count)
            squares = [Double](repeating: 0, count: count)
        }

        /// Welford's update of example `i` with `value`.
        mutating func add(_ value: Double, at i: Int) {
            counts[i] += 1
            if counts[i] == 1 {
                means[i] = value
                return
            }
            let delta = value - means[i]
            means[i] += delta / Double(counts[i])
            squares[i] += delta * (value - means[i])
        }

        /// The mean of every value of every example; NaN without any.
        public var pooledMean: Double {
            let total = counts.reduce(0, +)
            guard total > 0 else { return .nan }
            return zip(counts, means).reduce(0) { $0 + ($1.0 > 0 ? Double($1.0) * $1.1 : 0) } / Double(total)
        }

        /// The variance of a value around its own example's mean, pooled over examples
        /// (`Σ squares / (Σ counts − examples)`); where no example has two values, the variance of all
        /// values around ``pooledMean``. NaN without two values.
        public var pooledVariance: Double {
            let examples = counts.count { $0 > 0 }
            let total = counts.reduce(0, +)
            let within = squares.reduce(0, +)
            if total > examples { return within / Double(total - examples) }
            guard total > 1 else { return .nan }
            let center = pooledMean
            let between = zip(counts, means).reduce(0) { $0 + ($1.0 > 0 ? Double($1.0) * ($1.1 - center) * ($1.1 - center) : 0) }
            return (within + between) / Double(total - 1)
        }

        /// Example i's unbiased variance, or nil with fewer than two values.
        public func variance(at i: Int) -> Double? {
            counts[i] >= 2 ? squares[i] / Double(counts[i] - 1) : nil
        }
    }

    /// The runs that trained on each example.
    public var inside: Side
    /// The runs that did not.
    public var outside: Side

    /// Accumulates `values[r][i]` (reference run r, example i) by `membership[r][i]`.
    public init(values: [[Double]], membership: [[Bool]]) {
        precondition(values.count == membership.count, "one membership vector per reference run")
        let count = values.first?.count ?? 0
        inside = Side(count: count)
        outside = Side(count: count)
        for (run, flags) in zip(values, membership) {
            precondition(run.count == count && flags.count == count, "every reference run covers every example")
            for i in 0..<count {
                if flags[i] { inside.add(run[i], at: i) } else { outside.add(run[i], at: i) }
            }
        }
    }
}
