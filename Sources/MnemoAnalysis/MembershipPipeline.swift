import Dispatch
import MnemoCore

/// Draws the masks of one block of runs on a background thread while the caller adds the previous
/// block to its accumulator: at the papers' scale drawing a mask (a permutation of n) costs as much as
/// the block's share of the GEMMs, so overlapping the two nearly halves the aggregation's time.
///
/// One block is in flight at a time: ``start(_:)`` it, then ``finish()`` before the next ``start(_:)``.
final class MembershipPipeline: @unchecked Sendable {
    private let sweep: SweepSpec
    private let count: Int
    private let group = DispatchGroup()
    /// Written by the background job, read by ``finish()`` after the group's wait.
    private var drawn: [BitVector] = []
    private var running = false

    /// Masks of `sweep`'s runs over `count` training examples.
    init(sweep: SweepSpec, count: Int) {
        self.sweep = sweep
        self.count = count
    }

    /// Starts drawing the memberships of `subsets`.
    func start(_ subsets: [Int]) {
        precondition(!running, "finish the block in flight first")
        running = true
        group.enter()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            drawn = subsets.map { sweep.membership(subset: $0, count: count) }
            group.leave()
        }
    }

    /// The memberships of the block in flight, in order, once drawn (empty when none is in flight).
    func finish() -> [BitVector] {
        guard running else { return [] }
        group.wait()
        running = false
        defer { drawn = [] }
        return drawn
    }
}
