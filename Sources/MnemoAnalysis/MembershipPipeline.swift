import Dispatch
import MnemoCore
import Synchronization

/// Draws the masks of one block of runs on a background thread while the caller adds the previous
/// block to its accumulator: at the papers' scale drawing the masks (a partial permutation of n per
/// run) costs more than adding the block, so the two overlap, and the caller, once its own work is
/// done, draws the block's remaining masks beside the background thread instead of waiting for it.
///
/// One block is in flight at a time: ``start(_:)`` it, then ``finish()`` before the next ``start(_:)``.
final class MembershipPipeline: @unchecked Sendable {
    private let sweep: SweepSpec
    private let count: Int
    private let group = DispatchGroup()
    /// The block in flight; read-only while it is.
    private var subsets: [Int] = []
    /// One slot per run of the block, each written by whichever thread claimed it, read by
    /// ``finish()`` after both threads are done.
    private var drawn = UnsafeMutableBufferPointer<BitVector?>.allocate(capacity: 0)
    /// The next run of the block to claim.
    private let next = Atomic<Int>(0)
    private var running = false

    /// Masks of `sweep`'s runs over `count` training examples.
    init(sweep: SweepSpec, count: Int) {
        self.sweep = sweep
        self.count = count
    }

    deinit {
        drawn.deinitialize()
        drawn.deallocate()
    }

    /// Starts drawing the memberships of `subsets`.
    func start(_ subsets: [Int]) {
        precondition(!running, "finish the block in flight first")
        running = true
        self.subsets = subsets
        drawn.deinitialize()
        drawn.deallocate()
        drawn = .allocate(capacity: subsets.count)
        drawn.initialize(repeating: nil)
        next.store(0, ordering: .relaxed)
        group.enter()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            drawClaimed()
            group.leave()
        }
    }

    /// Draws runs of the block in flight until none is left to claim.
    private func drawClaimed() {
        while case let index = next.wrappingAdd(1, ordering: .relaxed).oldValue, index < subsets.count {
            drawn[index] = sweep.membership(subset: subsets[index], count: count)
        }
    }

    /// The memberships of the block in flight, in order, once drawn (empty when none is in flight);
    /// the calling thread draws what the background thread has not claimed yet.
    func finish() -> [BitVector] {
        guard running else { return [] }
        drawClaimed()
        group.wait()
        running = false
        return drawn.map { $0! }
    }
}
