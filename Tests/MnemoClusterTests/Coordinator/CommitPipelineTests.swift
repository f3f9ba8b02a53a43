import Foundation
import MnemoStore
import MnemoWire
import Testing

@testable import MnemoCluster

/// The coordinator's writer thread: a turn comes back committed, with the store's verdict on each
/// result, the loop is woken through its socket, and one turn is in flight at a time.
@Suite struct CommitPipelineTests {
    @Test func aTurnIsCommittedOnTheWriterThreadAndWakesTheLoop() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try Store(path: folder.appendingPathComponent("p.sqlite").path)
        let pipeline = try CommitPipeline(store: store, context: try ZMQContext())
        defer { pipeline.stop() }
        #expect(pipeline.takeCommitted(wait: false) == nil, "nothing in flight")

        let at = Date(timeIntervalSince1970: 1_000)
        let orphan = ResultRecord(
            taskID: "no-such-task", attempt: 1, workerID: "w", trainBits: Data([1]), testBits: Data([1]), subsetAccuracy: 1,
            testAccuracy: 1, epochs: 1, seconds: 0, receivedAt: at)
        var turn = CommitPipeline.Turn()
        turn.writes = [.event(kind: "test", message: "written by the writer thread", taskID: nil, workerID: nil, at: at), .result(orphan)]
        turn.sends = [(worker: "w", message: .ack(["no-such-task"]))]
        pipeline.submit(turn)
        #expect(pipeline.inFlight)
        // The wake-up arrives on the loop's socket once the commit is done.
        #expect(try pipeline.wakeSocket.receive(timeout: .seconds(10)) != nil)
        let committed = try #require(pipeline.takeCommitted(wait: false))
        #expect(!pipeline.inFlight)
        #expect(try committed.outcomes.get() == [.unknownTask])
        #expect(committed.turn.sends.map(\.worker) == ["w"])
        #expect(try store.recentEvents(limit: 5).map(\.message) == ["written by the writer thread"])

        // Waiting returns the next turn once it is committed.
        pipeline.submit(CommitPipeline.Turn())
        #expect(try pipeline.takeCommitted(wait: true).map { try $0.outcomes.get() } == [])
    }
}
