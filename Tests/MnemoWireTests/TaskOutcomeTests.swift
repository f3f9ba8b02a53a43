import Foundation
import MnemoWire
import Testing

/// An outcome's part of a result payload: bits, then float arrays, every bound checked.
@Suite struct TaskOutcomeTests {
    static func outcome(offset: Int, arrays: [ResultArrayHeader]) -> TaskOutcome {
        TaskOutcome(
            taskId: "t", attempt: 1, failure: nil, trainCount: 10, testCount: 3, payloadOffset: offset,
            subsetAccuracy: 1, testAccuracy: 1, epochs: 1, seconds: 0, arrays: arrays)
    }

    @Test func bitsAndArraysAreCutInOrder() throws {
        let margins: [Float] = (0..<10).map(Float.init)
        let test: [Float] = [-1, 0.5, 2]
        var payload = Data([0xEE])  // another outcome's byte before this one
        payload += Data([0xFF, 0x03]) + Data([0x05])
        payload += margins.withUnsafeBytes { Data($0) } + test.withUnsafeBytes { Data($0) }
        let outcome = Self.outcome(
            offset: 1, arrays: [ResultArrayHeader(name: "margin_train", shape: [10]), ResultArrayHeader(name: "margin_test", shape: [3])])
        let parts = try #require(outcome.slices(of: payload))
        #expect(parts.train == Data([0xFF, 0x03]) && parts.test == Data([0x05]))
        #expect(parts.arrays == [margins.withUnsafeBytes { Data($0) }, test.withUnsafeBytes { Data($0) }])
        // One byte short of the last array: refused.
        #expect(outcome.slices(of: payload.dropLast()) == nil)
    }

    @Test(arguments: [[Int.max, 2], [-1], [1 << 40, 1 << 40], [1, 1, 1, 1, 1], [Int.max / 4 + 1]])
    func forgedShapesAreRefusedNeverTrappedOn(shape: [Int]) {
        let outcome = Self.outcome(offset: 0, arrays: [ResultArrayHeader(name: "x", shape: shape)])
        #expect(outcome.slices(of: Data(repeating: 0, count: 64)) == nil)
    }
}

extension TaskOutcomeTests {
    @Test func aBatchMustTileItsPayloadEachTaskOnce() {
        func outcome(_ id: String, offset: Int) -> TaskOutcome {
            var outcome = Self.outcome(offset: offset, arrays: [ResultArrayHeader(name: "margin_train", shape: [10])])
            outcome.taskId = id
            return outcome
        }
        // Each part: 2 + 1 bytes of bits and 40 of floats.
        let good = ResultBatch(outcomes: [outcome("a", offset: 0), outcome("b", offset: 43)])
        #expect(good.tiles(payloadCount: 86))
        #expect(!good.tiles(payloadCount: 87), "bytes left over")
        #expect(!ResultBatch(outcomes: [outcome("a", offset: 0), outcome("b", offset: 0)]).tiles(payloadCount: 43), "overlap")
        #expect(!ResultBatch(outcomes: [outcome("a", offset: 0), outcome("a", offset: 43)]).tiles(payloadCount: 86), "a task twice")
        let many = (0...ResultBatch.maximumOutcomes).map { index in
            var failed = Self.outcome(offset: 0, arrays: [])
            (failed.taskId, failed.trainCount, failed.testCount) = ("t\(index)", 0, 0)
            return failed
        }
        #expect(!ResultBatch(outcomes: many).tiles(payloadCount: 0), "too many outcomes")
        #expect(ResultBatch(outcomes: Array(many.dropLast())).tiles(payloadCount: 0))
    }
}
