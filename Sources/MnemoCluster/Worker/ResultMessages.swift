import Foundation
import MnemoWire

/// How a worker packs finished tasks into `result` messages: each outcome's payload part (train bits,
/// test bits, then its float arrays) follows the previous one; a message holds as many outcomes as
/// fit ``maxPayloadBytes``, and at least one.
enum ResultMessages {
    /// The payload a worker puts in one message when it can choose: well under the coordinator's
    /// frame limit, so large per-example arrays (full logits) travel a few results at a time.
    static let maxPayloadBytes = 64 << 20

    /// The messages carrying `finished`, in order.
    static func split(_ finished: [FinishedTask]) throws -> [Envelope] {
        var messages: [Envelope] = []
        var payload = Data()
        var outcomes: [TaskOutcome] = []
        for task in finished {
            let size = task.payloadBytes
            if !outcomes.isEmpty, payload.count + size > maxPayloadBytes || outcomes.count == ResultBatch.maximumOutcomes {
                messages.append(try Envelope(type: .result, header: ResultBatch(outcomes: outcomes), payload: payload))
                (payload, outcomes) = (Data(), [])
            }
            var outcome = task.outcome
            outcome.payloadOffset = payload.count
            payload.append(task.trainBits)
            payload.append(task.testBits)
            for array in task.arrays { payload.append(array) }
            outcomes.append(outcome)
        }
        if !outcomes.isEmpty {
            messages.append(try Envelope(type: .result, header: ResultBatch(outcomes: outcomes), payload: payload))
        }
        return messages
    }
}
