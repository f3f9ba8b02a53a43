import Foundation
import MnemoWire

/// What the coordinator knows about a live worker: its socket identity, capacity and last sign of life.
struct ConnectedWorker {
    let id: String
    let identity: PeerIdentity
    let host: String
    let pid: Int32
    /// How many tasks it can hold at once (slots + prefetch), from its latest `ready`.
    var capacity: Int
    var lastSeen: Date
    /// When `lastSeen` was last written to the database (heartbeats are recorded every few seconds).
    var lastRecorded: Date
    /// Task ids currently leased to it.
    var leased: Set<String>
    /// Whether it has been leased anything: only such workers are recorded in the database, so peers
    /// that only say hello leave no rows behind.
    var isRecorded: Bool

    /// Tasks it may be leased now: its capacity less what it holds.
    var credit: Int { max(0, capacity - leased.count) }
}
