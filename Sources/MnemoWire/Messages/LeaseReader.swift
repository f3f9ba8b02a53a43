import Foundation
import MnemoCore

/// Reads `lease` messages for a worker, remembering the specs of the templates it has seen: leases
/// of one trial repeat the same template bytes, and decoding a spec costs more than the rest of the
/// message.
public struct LeaseReader: Sendable {
    private var specs: [Data: TaskSpec] = [:]
    /// The most templates remembered; beyond it the memory starts again.
    public static let capacity = 256

    public init() {}

    /// The leased tasks of `envelope` (a `lease` message), with their full specs.
    ///
    /// - Throws: ``FrameError`` for a malformed header or an entry naming a missing template.
    public mutating func tasks(in envelope: Envelope) throws(FrameError) -> [LeasedTask] {
        let lease = try Lease(headerJSON: envelope.header) { json throws(FrameError) in
            if let spec = specs[json] { return spec }
            let spec = try Lease.decodeTemplate(json)
            if specs.count >= Self.capacity { specs.removeAll(keepingCapacity: true) }
            specs[json] = spec
            return spec
        }
        return try lease.tasks()
    }
}
