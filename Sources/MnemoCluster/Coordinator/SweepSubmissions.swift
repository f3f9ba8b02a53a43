import Dispatch
import Logging
import MnemoStore
import MnemoWire

/// Sweeps submitted to a running coordinator (`mnemo submit`), prepared and registered one at a time
/// on a thread of their own: preparing a dataset and storing a million tasks take minutes, during
/// which the loop goes on answering heartbeats, leasing and committing. The loop takes each finished
/// registration back (``take()``), serves its plan and answers the admin client that asked.
final class SweepSubmissions: @unchecked Sendable {
    /// A registration done (or failed), with the admin client waiting for its answer.
    struct Finished: Sendable {
        let client: AdminPeer
        let request: AdminRequest
        let result: Result<SweepPlan, any Error>
    }

    private let queue = DispatchQueue(label: "mnemo.sweep-registration")
    private let finished = HandOff<Finished>()
    /// The clients of submissions started and not taken back yet, with their sweep files; the loop's
    /// thread only.
    private var waiting: [(client: AdminPeer, file: String)] = []
    /// Submissions started and not taken back yet.
    var inFlight: Int { waiting.count }

    /// Prepares and registers the sweep file `file` of `request` on the registration thread.
    func start(_ request: AdminRequest, file: String, from client: AdminPeer, store: Store, logger: Logger) {
        waiting.append((client, file))
        queue.async { [finished] in
            let result = Result {
                try SweepRegistration.prepare(sweepFile: file, logger: logger).register(in: store, newSweep: request.newSweep ?? false).plan
            }
            finished.put(Finished(client: client, request: request, result: result))
        }
    }

    /// The registrations finished since the last call, oldest first.
    func take() -> [Finished] {
        let done = finished.take()
        for item in done {
            if let index = waiting.firstIndex(where: { $0.client == item.client }) { waiting.remove(at: index) }
        }
        return done
    }

    /// The clients still waiting, with their sweep files, forgotten: the loop is ending before their
    /// registrations finish.
    func abandon() -> [(client: AdminPeer, file: String)] {
        defer { waiting = [] }
        return waiting
    }
}
