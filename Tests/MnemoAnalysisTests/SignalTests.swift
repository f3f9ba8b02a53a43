import Foundation
import MnemoAnalysis
import MnemoCore
import Testing

/// The membership signals derived from stored outputs, checked against values known by construction.
@Suite struct SignalTests {
    /// Two classes with logits (a, 0): p_y = σ(a), so log(p_y / (1 − p_y)) = a exactly, and the loss is
    /// log(1 + e^−a). Both routes must give a in float64, confident examples included.
    @Test func liraStatisticFromLogitsAndFromLossAgree() {
        for a in [-8.0, -1, 0, 0.5, 3, 12, 25] {
            let fromLogits = SignalMath.scaledLogit(logits: [a, 0], label: 0)
            let loss = Foundation.log1p(Foundation.exp(-a))
            let fromLoss = SignalMath.scaledLogit(loss: loss)
            #expect(abs(fromLogits - a) < 1e-12, "logits route at \(a): \(fromLogits)")
            #expect(abs(fromLoss - a) < 1e-9 * max(1, abs(a)), "loss route at \(a): \(fromLoss)")
            #expect(abs(SignalMath.loss(logits: [a, 0], label: 0) - loss) <= 1e-15 * max(loss, 1e-300) * 4)
        }
        // Many classes, random logits (confident examples among them): the two routes agree.
        var rng = CounterRNG(key: 3, stream: 3)
        for _ in 0..<200 {
            let logits = (0..<10).map { _ in 4 * Double(rng.nextGaussian()) }
            let label = rng.nextIndex(below: 10)
            let loss = SignalMath.loss(logits: logits, label: label)
            #expect(abs(SignalMath.scaledLogit(logits: logits, label: label) - SignalMath.scaledLogit(loss: loss)) < 1e-9)
        }
        // A stored loss of 0 (float32 rounding) stays finite.
        #expect(SignalMath.scaledLogit(loss: 0) == -Foundation.log(Foundation.expm1(0x1p-24)))
    }

    @Test func entropiesFollowTheirFormulas() {
        let p = [0.5, 0.25, 0.25]
        #expect(abs(SignalMath.entropy(probabilities: p) - 1.5 * Foundation.log(2.0)) < 1e-12)
        // Song & Mittal: −(1 − 0.5) log 0.5 − 2 · 0.25 log(1 − 0.25).
        let expected = -0.5 * Foundation.log(0.5) - 2 * 0.25 * Foundation.log(0.75)
        #expect(abs(SignalMath.modifiedEntropy(probabilities: p, label: 0) - expected) < 1e-12)
        // A confident mistake has a large modified entropy but a small entropy.
        let wrong = [1e-12, 1 - 2e-12, 1e-12]
        #expect(SignalMath.modifiedEntropy(probabilities: wrong, label: 0) > 20)
        #expect(SignalMath.entropy(probabilities: wrong) < 1e-9)
    }

    /// Each signal comes from the best stored source, and LiRA's never from a float32 probability.
    @Test func signalsComeFromWhatWasStored() throws {
        let labels = [0, 1]
        let logits: [Float] = [2, 0, -1, 1, 3, 0.5]
        let withLogits = StoredOutputs(correct: [true, true], arrays: [.logits: logits], labels: labels, classCount: 3)
        let confidence = try #require(withLogits.signal(.confidence))
        let row0 = [2.0, 0, -1]
        #expect(abs(confidence[0] - Foundation.exp(2) / row0.map(Foundation.exp).reduce(0, +)) < 1e-12)
        let loss = try #require(withLogits.signal(.loss))
        #expect(abs(loss[1] - (Foundation.log(Foundation.exp(1) + Foundation.exp(3) + Foundation.exp(0.5)) - 3)) < 1e-12)

        let probability: [Float] = [0.7, 0.2, 0.1, 0.1, 0.8, 0.1]
        let onlyProbability = StoredOutputs(correct: [true, true], arrays: [.probability: probability], labels: labels, classCount: 3)
        #expect(onlyProbability.signal(.scaledLogit) == nil)
        #expect(MembershipSignal.scaledLogit.source(in: onlyProbability.outputs) == nil)
        #expect(onlyProbability.signal(.entropy) != nil)
        #expect(abs((onlyProbability.signal(.loss)?[1] ?? 0) + Foundation.log(Double(Float(0.8)))) < 1e-12)

        let onlyLoss = StoredOutputs(correct: [false, true], arrays: [.loss: [0.5, 2]], labels: labels, classCount: 3)
        #expect(onlyLoss.signal(.confidence) == [Foundation.exp(-0.5), Foundation.exp(-2)])
        #expect(onlyLoss.signal(.entropy) == nil && onlyLoss.signal(.modifiedEntropy) == nil)
        #expect(onlyLoss.signal(.scaledLogit) == [-Foundation.log(Foundation.expm1(0.5)), -Foundation.log(Foundation.expm1(2))])
        #expect(onlyLoss.signal(.correctness) == [0, 1])
        #expect(MembershipSignal.scaledLogit.needs == "logits or loss")
    }
}
