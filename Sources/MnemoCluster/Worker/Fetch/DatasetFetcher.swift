import Foundation
import MnemoLearn

/// Hands dataset fetches from the training slots to the worker's loop, which owns the socket: a slot
/// that needs a dataset it cannot prepare asks here and waits; the loop (which looks here every turn,
/// at least five times a second) takes the request, downloads the file (``DatasetDownload``) and
/// answers. Lock-guarded (`@unchecked Sendable`).
final class DatasetFetcher: @unchecked Sendable {
    private let condition = NSCondition()
    /// Requests not yet taken by the loop: hash → why this worker could not prepare the data itself.
    private var requested: [String: String] = [:]
    private var answers: [String: Result<URL, DatasetFetchError>] = [:]
    private var closed: String?
    /// The worker is stopping: tasks waiting for data are handed back rather than failed.
    private var abandoned = false

    /// The cached file of dataset `hash`, once the loop has fetched it.
    ///
    /// - Throws: ``DatasetFetchError`` when the fetch failed; ``DatasetFetchCancelled`` when
    ///   `cancellation` was raised first or the worker is stopping (the task is handed back, not failed).
    func fetch(hash: String, because reason: String, cancellation: TrainingCancellation?) throws -> URL {
        condition.lock()
        defer { condition.unlock() }
        if let closed { throw DatasetFetchError(hash: hash, localProblem: reason, reason: closed) }
        if abandoned { throw DatasetFetchCancelled() }
        // An answer to an earlier request whose slot stopped waiting is stale.
        answers[hash] = nil
        requested[hash] = reason
        while answers[hash] == nil {
            if let closed { throw DatasetFetchError(hash: hash, localProblem: reason, reason: closed) }
            if abandoned || cancellation?.isCancelled == true {
                requested[hash] = nil
                throw DatasetFetchCancelled()
            }
            _ = condition.wait(until: Date().addingTimeInterval(0.1))
        }
        switch answers.removeValue(forKey: hash)! {
        case .success(let file): return file
        case .failure(let failure): throw DatasetFetchError(hash: hash, localProblem: reason, reason: failure.reason)
        }
    }

    /// The requests made since the last call, by hash, with why each was needed.
    func takeRequests() -> [(hash: String, reason: String)] {
        condition.lock()
        defer { condition.unlock() }
        let taken = requested.map { ($0.key, $0.value) }
        requested = [:]
        return taken
    }

    /// Answers the slot waiting for `hash`.
    func answer(hash: String, with result: Result<URL, DatasetFetchError>) {
        condition.lock()
        answers[hash] = result
        condition.broadcast()
        condition.unlock()
    }

    /// Stops every waiting and later fetch as cancelled: the worker is stopping or draining, and a
    /// task still waiting for its data goes back to the coordinator at once (its partial download
    /// stays in the cache for the next process).
    func abandon() {
        condition.lock()
        abandoned = true
        requested = [:]
        condition.broadcast()
        condition.unlock()
    }

    /// Fails every waiting and later fetch with `reason` (the worker is leaving).
    func close(reason: String) {
        condition.lock()
        closed = reason
        requested = [:]
        condition.broadcast()
        condition.unlock()
    }
}

/// A dataset could not be had from the coordinator: this worker cannot take the sweep's tasks.
struct DatasetFetchError: Error, CustomStringConvertible {
    let hash: String
    /// Why this worker could not use its own copy, when it tried.
    var localProblem: String?
    let reason: String

    var description: String {
        (localProblem.map { "this worker cannot use its own copy of the data (\($0)), and " } ?? "")
            + "fetching dataset \(hash.prefix(16))… from the coordinator failed: \(reason)"
    }
}

/// A fetch stopped because its task was cancelled (the worker is stopping or the task was revoked).
struct DatasetFetchCancelled: Error {}
