import MnemoLinalg

/// One (training example, test example) pair with its influence estimate.
public struct InfluencePair: Sendable, Equatable, CustomStringConvertible {
    /// The training example i.
    public let train: Int
    /// The test example j.
    public let test: Int
    /// infl[i, j].
    public let influence: Double
    /// The standard error of `influence`.
    public let standardError: Double

    /// A pair from its parts.
    public init(train: Int, test: Int, influence: Double, standardError: Double) {
        self.train = train
        self.test = test
        self.influence = influence
        self.standardError = standardError
    }

    public var description: String {
        "train \(train) → test \(test): \(influence) ± \(standardError)"
    }

    /// The `count` largest influences over `blocks`, largest first (ties: lower train, then test index first).
    ///
    /// - Parameters:
    ///   - blocks: influence matrices, typically the same-class blocks of a trial.
    ///   - count: how many pairs to return at most.
    ///   - minimumZ: when set, keep only significant pairs, `influence > minimumZ · standardError`.
    ///   - maximumSE: when set, keep only pairs whose standard error is at most this.
    /// NaN estimates are skipped.
    public static func top(
        in blocks: [InfluenceMatrix], count: Int, minimumZ: Double? = nil, maximumSE: Double? = nil
    ) -> [InfluencePair] {
        var selection = TopSelection(
            capacity: count, candidates: blocks.reduce(0) { $0 + $1.trainIndices.count * $1.testIndices.count })
        for block in blocks {
            for column in 0..<block.testIndices.count {
                select(in: block, column: column, minimumZ: minimumZ, maximumSE: maximumSE, into: &selection)
            }
        }
        return selection.sorted()
    }

    /// The `count` training examples with the largest influence on test example `test` within `block`, which
    /// must contain it; largest first, NaN estimates skipped, optionally only `influence > minimumZ · SE`.
    public static func top(in block: InfluenceMatrix, test: Int, count: Int, minimumZ: Double? = nil)
        -> [InfluencePair]
    {
        guard let column = block.testIndices.firstIndex(of: test) else {
            preconditionFailure("test example \(test) is not a column of this influence matrix")
        }
        var selection = TopSelection(capacity: count, candidates: block.trainIndices.count)
        select(in: block, column: column, minimumZ: minimumZ, into: &selection)
        return selection.sorted()
    }

    private static func select(
        in block: InfluenceMatrix, column: Int, minimumZ: Double?, maximumSE: Double? = nil,
        into selection: inout TopSelection
    ) {
        for row in 0..<block.trainIndices.count {
            let value = block.values[row, column]
            guard !value.isNaN else { continue }
            let train = block.trainIndices[row]
            let test = block.testIndices[column]
            guard selection.admits(influence: value, train: train, test: test) else { continue }
            let error = block.standardError(row: row, column: column)
            if let z = minimumZ, !(value > z * error) { continue }
            if let maximumSE, !(error <= maximumSE) { continue }
            selection.insert(InfluencePair(train: train, test: test, influence: value, standardError: error))
        }
    }
}

extension InfluencePair {
    /// Ranking order: larger influence first, then lower train index, then lower test index.
    fileprivate func ranksBefore(_ other: InfluencePair) -> Bool {
        Self.ranks(influence, train, test, before: other.influence, other.train, other.test)
    }

    fileprivate static func ranks(_ a: Double, _ ai: Int, _ aj: Int, before b: Double, _ bi: Int, _ bj: Int) -> Bool {
        if a != b { return a > b }
        if ai != bi { return ai < bi }
        return aj < bj
    }
}

/// The best `capacity` pairs seen so far, in a binary heap whose root is the worst of them.
private struct TopSelection {
    let capacity: Int
    private var heap: [InfluencePair] = []

    /// Room for `capacity` pairs, of which at most `candidates` will be offered.
    init(capacity: Int, candidates: Int) {
        precondition(capacity >= 0, "count must be non-negative")
        self.capacity = capacity
        heap.reserveCapacity(min(capacity, candidates))
    }

    /// Whether a pair with these keys would enter the selection (checked before computing its SE).
    func admits(influence: Double, train: Int, test: Int) -> Bool {
        guard capacity > 0 else { return false }
        guard heap.count == capacity else { return true }
        let worst = heap[0]
        return InfluencePair.ranks(influence, train, test, before: worst.influence, worst.train, worst.test)
    }

    mutating func insert(_ pair: InfluencePair) {
        if heap.count < capacity {
            heap.append(pair)
            siftUp(heap.count - 1)
        } else {
            heap[0] = pair
            siftDown(0)
        }
    }

    func sorted() -> [InfluencePair] {
        heap.sorted { $0.ranksBefore($1) }
    }

    /// In this heap a parent ranks after its children (the root is the worst kept pair).
    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[parent].ranksBefore(heap[child]) else { return }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            var worst = parent
            for child in (2 * parent + 1)...(2 * parent + 2) where child < heap.count {
                if heap[worst].ranksBefore(heap[child]) { worst = child }
            }
            guard worst != parent else { return }
            heap.swapAt(parent, worst)
            parent = worst
        }
    }
}
