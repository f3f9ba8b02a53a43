internal import CZeroMQ

/// Waits for any of several sockets to become readable, for a loop that serves more than one socket
/// (for example a worker's DEALER plus an `inproc://` PAIR its training thread uses to wake it).
///
/// The poller borrows the sockets, so it is bound to the thread that owns them, like they are.
public struct ZMQPoller {
    private let sockets: [ZMQSocket]

    /// A poller over `sockets`; indices in ``poll(timeout:)``'s result refer to this array.
    public init(_ sockets: [ZMQSocket]) {
        self.sockets = sockets
    }

    /// Waits up to `timeout` until at least one socket has a message to receive.
    ///
    /// - Returns: the indices of the readable sockets, in order; empty if the time ran out.
    /// - Throws: ``WireError`` if a socket is closed or libzmq fails.
    public func poll(timeout: Duration) throws(WireError) -> [Int] {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var items: [zmq_pollitem_t] = []
        items.reserveCapacity(sockets.count)
        for socket in sockets {
            let handle = try socket.openHandle("zmq_poll")
            items.append(zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0))
        }
        guard try Self.poll(&items, until: deadline) > 0 else {
            return []
        }
        return items.indices.filter { items[$0].revents & Int16(ZMQ_POLLIN) != 0 }
    }

    /// `zmq_poll` until `deadline`; an interrupted wait resumes with the time that is left.
    ///
    /// libzmq's coarse clock can end a wait a fraction of a millisecond early, so an empty result before
    /// the deadline polls again: callers can rely on having waited the whole timeout.
    ///
    /// - Returns: how many items are ready (0 when the deadline passed).
    static func poll(_ items: inout [zmq_pollitem_t], until deadline: ContinuousClock.Instant) throws(WireError)
        -> Int32
    {
        let count = Int32(items.count)
        while true {
            let ready = try ZMQCall.check("zmq_poll") {
                let milliseconds = ContinuousClock.now.duration(to: deadline).wholeMillisecondsRoundedUp
                return zmq_poll(&items, count, Int(milliseconds))
            }
            if ready > 0 || ContinuousClock.now >= deadline {
                return ready
            }
        }
    }
}
