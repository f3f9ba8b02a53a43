import Foundation
import Logging
import Testing
@testable import MnemoCluster

/// Local mode replaces dead workers with a growing backoff and gives up, with the reason, when none
/// can start, instead of waiting for ever with no worker.
@Suite struct LocalWorkersTests {
    @Test func workersThatDieAtOnceAreRestartedWithBackoffThenLocalModeGivesUp() throws {
        // `/bin/false` exits 1 at once, whatever its arguments: a worker that cannot start.
        let workers = LocalWorkers(
            executable: URL(fileURLWithPath: "/bin/false"), endpoint: "ipc:///nowhere", threads: 1,
            logger: Logger(label: "test"), backoff: 0.01)
        defer { workers.shutDown(grace: 0) }
        var dead: [String] = []
        var failure: LocalWorkersError?
        let deadline = Date().addingTimeInterval(20)
        while failure == nil, Date() < deadline {
            do {
                dead += try workers.superviseAndStart(slots: 2)
            } catch let error as LocalWorkersError {
                failure = error
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        let error = try #require(failure, "local mode must give up")
        #expect(error.description.contains("no local worker can start"))
        #expect(error.status == 1)
        // Each death is reported once, under the id of the process that died (distinct ids per spawn).
        #expect(dead.count >= 2 * LocalWorkers.maxQuickDeaths - 2)
        #expect(Set(dead).count == dead.count)
    }
}
