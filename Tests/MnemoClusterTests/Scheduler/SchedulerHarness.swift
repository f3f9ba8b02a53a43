import Foundation
import MnemoStore
import MnemoWire
@testable import MnemoCluster

/// A scheduler driven by hand: a manual clock, fake workers and the effects it returns, no sockets.
struct SchedulerHarness {
    var scheduler: Scheduler
    /// The manual clock.
    var now = Date(timeIntervalSince1970: 1_000_000)
    /// Every effect so far, in order.
    var effects: [SchedulerEffect] = []

    init(options: SchedulerOptions = SchedulerOptions()) {
        scheduler = Scheduler(options: options)
    }

    /// A sweep of `trials` × `subsets` pending tasks named `<sweep>-t<trial>-s<subset>`.
    static func submission(_ sweep: String = "a", trials: Int = 1, subsets: Int, priority: Int = 0) -> SweepSubmission {
        SweepSubmission(
            id: sweep, name: sweep, priority: priority, doneByTrial: [:],
            open: (0..<trials).flatMap { trial in
                (0..<subsets).map { subset in
                    OpenTask(
                        id: "\(sweep)-t\(trial)-s\(subset)", trialIndex: trial, subsetIndex: subset, state: .pending,
                        attempt: 0, workerID: nil, failures: 0, crashedWorkers: [], lastError: nil)
                }
            })
    }

    @discardableResult
    mutating func handle(_ event: SchedulerEvent) -> [SchedulerEffect] {
        let new = scheduler.handle(event, at: now)
        effects += new
        return new
    }

    mutating func advance(_ seconds: TimeInterval) -> [SchedulerEffect] {
        now = now.addingTimeInterval(seconds)
        return handle(.tick)
    }

    /// Says hello and ready for a worker; returns the tasks leased to it.
    @discardableResult
    mutating func join(_ worker: String, pid: Int32 = 1, capacity: Int = 1, running: [TaskAttemptPair] = []) -> [LeaseGrant] {
        handle(.hello(worker: worker, host: "h", pid: pid, running: running.map { .init(taskId: $0.0, attempt: $0.1) }))
        return Self.grants(handle(.ready(worker: worker, capacity: capacity)), to: worker)
    }

    typealias TaskAttemptPair = (String, Int)

    static func grants(_ effects: [SchedulerEffect], to worker: String) -> [LeaseGrant] {
        effects.flatMap { effect -> [LeaseGrant] in
            if case .send(worker, .lease(let grants)) = effect { return grants }
            return []
        }
    }

    static func writes(_ effects: [SchedulerEffect]) -> [StoreWrite] {
        effects.compactMap { if case .persist(let write) = $0 { return write } else { return nil } }
    }

    func counts(_ sweep: String = "a", trial: Int = 0) -> TaskCounts {
        scheduler.counts(sweep: sweep)?[trial] ?? TaskCounts()
    }

    func result(_ grant: LeaseGrant, worker: String) -> ReportedOutcome {
        .result(
            ResultRecord(
                taskID: grant.taskID, attempt: grant.attempt, workerID: worker, trainBits: Data([1]), testBits: Data([1]),
                subsetAccuracy: 1, testAccuracy: 1, epochs: 1, seconds: 0, receivedAt: now))
    }

    func failure(_ grant: LeaseGrant, _ kind: FailureKind, _ reason: String = "boom") -> ReportedOutcome {
        .failure(taskID: grant.taskID, attempt: grant.attempt, kind: kind, reason: reason)
    }
}
