/// The kind of a protocol message; its raw value is the UTF-8 text of the type frame.
public enum MessageType: String, Sendable, CaseIterable, Codable {
    /// Worker → coordinator: first message, announcing the worker's capabilities.
    case hello
    /// Coordinator → worker: the answer to `hello`.
    case welcome
    /// Worker → coordinator: credit, how many more tasks the worker will take.
    case ready
    /// Coordinator → worker: a batch of task specs with attempt numbers and deadline.
    case lease
    /// Either way, about every second: the sender is alive (and extends its leases).
    case heartbeat
    /// Worker → coordinator: a batch of task results.
    case result
    /// Coordinator → worker: results committed (or recognised as stale and ignored).
    case ack
    /// Either way: a message that was understood but refused, with the reason.
    case reject
    /// Worker → coordinator: request for a piece of a dataset by content hash.
    case fetch
    /// Coordinator → worker: a piece of a dataset.
    case chunk
    /// Coordinator → worker: finish current work, take no more.
    case drain
    /// Either way: the sender is leaving.
    case bye
    /// CLI ↔ coordinator: status, cancel and drain requests and their answers.
    case admin
}
