import Foundation
import MnemoStore
import MnemoTestSupport
import MnemoWire
import Testing

/// A live coordinator fed garbage over TCP keeps serving, writes nothing for it, and still finishes
/// the sweep with a real worker.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: SweepFixture.fashionMNISTDirectory)))
struct HostileMessageTests {
    @Test func malformedAndUnsolicitedMessagesAreDroppedWithoutHarm() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(SweepFixture.tiny(name: "faults", subsets: 4), to: "faults.yaml")
        let db = dir.path("hostile.sqlite")
        let (coordinator, endpoint) = try FaultToleranceTests.startCoordinator(sweep: sweep, db: db, in: dir)

        let context = try ZMQContext()
        let attacker = try ZMQSocket(context: context, kind: .dealer)
        try attacker.setIdentity(PeerIdentity("attacker"))
        try attacker.connect(endpoint)
        let hello = try Envelope(type: .hello, header: ["workerId": "attacker"]).encode()
        var badVersion = hello
        badVersion[0] = Data([9])
        let payload = Data(repeating: 0xAB, count: 64)
        var badChecksum = try Envelope(type: .result, header: ["outcomes": [String]()], payload: payload).encode()
        badChecksum[3] = Data(repeating: 0xAC, count: 64)
        let forgedResult = try Envelope(
            type: .result, header: ResultBatch(outcomes: [
                TaskOutcome(
                    taskId: "no-such-task", attempt: 1, failure: nil, trainCount: 400, testCount: 200,
                    payloadOffset: 0, subsetAccuracy: 1, testAccuracy: 1, epochs: 1, seconds: 0)
            ]), payload: payload)
        for frames in [[Data("garbage".utf8)], badVersion, badChecksum, [Data([1]), Data("result".utf8)]] {
            try attacker.send(frames)
        }
        // A well-formed result from a peer that never said hello is refused with a request to say hello.
        try attacker.send(forgedResult)
        let reply = try #require(try attacker.receive(timeout: .seconds(10)))
        let reject = try Envelope.decode(reply)
        #expect(reject.type == .reject)
        #expect(try reject.decodeHeader(Reject.self).rehello)

        let worker = try MnemoProcess(["worker", "--connect", endpoint, "--id", "honest"], in: dir, label: "worker")
        #expect(coordinator.wait(timeout: 300) == 0, "\(coordinator.standardError)")
        #expect(worker.wait(timeout: 30) == 0)
        #expect(coordinator.standardError.components(separatedBy: "dropped a malformed message").count - 1 == 4)
        let store = try Store.openReadOnly(path: db)
        #expect(try store.resultCount(sweepID: "faults") == 4)
        #expect(try store.workers().map(\.id) == ["honest"])
    }
}
