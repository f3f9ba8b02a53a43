import Foundation
import MnemoWire

/// What the coordinator knows about a live worker: its socket identity, credit and last sign of life.
struct ConnectedWorker {
    let id: String
    let identity: PeerIdentity
    let host: String
    let pid: Int32
    /// Tasks it asked for and has not been given yet.
    var credit: Int
    var lastSeen: Date
    /// When `lastSeen` was last written to the database (heartbeats are recorded every few seconds).
    var lastRecorded: Date
    /// Task ids currently leased to it.
    var leased: Set<String>
}
