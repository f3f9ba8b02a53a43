import Foundation
import MnemoStore
import MnemoWire

/// The coordinator's one database writer: it commits a turn's writes on its own thread while the
/// socket loop decodes the next turn's messages, so decoding and committing overlap (group commit,
/// pipelined). The loop hands over a turn with ``submit(_:)`` when none is in flight, is woken through
/// ``wakeSocket`` (polled beside the worker socket) when the commit is done, takes it with
/// ``takeCommitted(wait:)``, and only then sends what the turn sends: an `ack` or a `lease` still never
/// goes out before the commit that records it.
///
/// A lock-guarded class (`@unchecked Sendable`): the writer is a dedicated OS thread, and every field
/// it shares with the loop is read and written under `condition`.
final class CommitPipeline: @unchecked Sendable {
    /// One turn of the loop: its database writes, and the messages to send once they are committed.
    struct Turn: Sendable {
        var writes: [StoreWrite] = []
        var sends: [(worker: String, message: OutboundMessage)] = []
        /// When the turn's first result arrived (for the ingest latency), if it has results.
        var firstResultAt: Date?
        /// Which run each result the scheduler accepted in this turn belongs to.
        var accepted: [ResultLocation] = []

        var isEmpty: Bool { writes.isEmpty && sends.isEmpty }
    }

    /// A committed turn and the store's verdict on each of its results, or the commit's error.
    struct Committed: Sendable {
        let turn: Turn
        let outcomes: Result<[CommitOutcome], any Error>
    }

    /// The loop's end of the wake-up: a PULL socket that receives one empty message per commit.
    let wakeSocket: ZMQSocket
    private let condition = NSCondition()
    private var job: Turn?
    private var committed: Committed?
    private var stopping = false
    private var writerRunning = false
    private let store: Store

    /// Starts the writer thread.
    init(store: Store, context: ZMQContext) throws {
        self.store = store
        let endpoint = "inproc://mnemo-commit-\(UInt64.random(in: 0...UInt64.max))"
        wakeSocket = try ZMQSocket(context: context, kind: .pull)
        try wakeSocket.set(.linger(.zero))
        try wakeSocket.bind(endpoint)
        writerRunning = true
        let thread = Thread { [self] in write(context: context, wakeEndpoint: endpoint) }
        thread.name = "mnemo-commit"
        thread.start()
    }

    /// Whether a turn has been submitted and not taken back yet.
    private(set) var inFlight = false

    /// Hands `turn` to the writer. Only one turn is in flight at a time: take it back first.
    func submit(_ turn: Turn) {
        precondition(!inFlight, "a turn is already being committed")
        inFlight = true
        condition.lock()
        job = turn
        condition.broadcast()
        condition.unlock()
    }

    /// The turn in flight once it is committed: nil if it is not yet (and `wait` is false) or none is
    /// in flight.
    func takeCommitted(wait: Bool) -> Committed? {
        // Always drained: a wake-up can follow a commit already taken by a waiting call, and one left
        // in the socket would make every poll return at once.
        while (try? wakeSocket.receive(timeout: .zero)) != nil {}
        guard inFlight else { return nil }
        condition.lock()
        defer { condition.unlock() }
        while wait && committed == nil {
            condition.wait()
        }
        guard let done = committed else { return nil }
        committed = nil
        inFlight = false
        return done
    }

    /// Lets the writer finish the turn in flight, then stops it and waits for its thread to leave.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while writerRunning {
            condition.wait()
        }
        condition.unlock()
    }

    private func write(context: ZMQContext, wakeEndpoint: String) {
        // Created on this thread and used only here, as ZeroMQ sockets must be.
        let wake = try? ZMQSocket(context: context, kind: .push)
        try? wake?.set(.linger(.zero))
        try? wake?.connect(wakeEndpoint)
        defer {
            wake?.close()
            condition.lock()
            writerRunning = false
            condition.broadcast()
            condition.unlock()
        }
        while true {
            condition.lock()
            while job == nil && !stopping {
                condition.wait()
            }
            guard let turn = job else {
                condition.unlock()
                return
            }
            job = nil
            condition.unlock()
            let outcomes = Result { try store.apply(turn.writes) }
            condition.lock()
            committed = Committed(turn: turn, outcomes: outcomes)
            condition.broadcast()
            condition.unlock()
            try? wake?.send([Data()], blocking: false)
        }
    }
}
