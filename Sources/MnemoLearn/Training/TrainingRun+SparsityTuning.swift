import Foundation
import MnemoCore
import MnemoData

extension TrainingRun {
    /// Draws PAST's member and non-member samples for tuning epoch `epoch`, sets the penalty's
    /// per-parameter L1 weights to `λ·γᵢ^α` from them and returns the loss gap G at the current weights.
    func updateSparsityWeights(_ settings: SparsityTuning, nonMembers: [Int], epoch: Int) -> Double {
        var rng = CounterRNG(key: seed, stream: TrainingStream.sparsitySample(epoch: epoch))
        let members = rng.permutation(of: trained.count).prefix(settings.sampleSize).map { trained[$0] }
        let others = rng.permutation(of: nonMembers.count).prefix(settings.sampleSize).map { nonMembers[$0] }
        let memberLoss = meanGradient(of: members, into: memberGradient.pointer)
        let otherLoss = meanGradient(of: others, into: nonMemberGradient.pointer)
        let (gm, gn, weights) = (memberGradient.pointer, nonMemberGradient.pointer, penalty.adaptive.pointer)
        for (layer, offset) in zip(model.layers, model.parameterOffsets) where layer.parameterCount > 0 {
            let range = offset..<(offset + layer.parameterCount)
            var total = 0.0
            for index in range { total += Double(abs(gm[index] - gn[index])) }
            for index in range {
                let gamma = total > 0 ? Double(layer.parameterCount) * Double(abs(gm[index] - gn[index])) / total : 1
                weights[index] = Float(settings.lambda * Foundation.pow(gamma, settings.alpha))
            }
        }
        penalty.adaptiveActive = true
        penalty.adaptiveSquared = settings.norm == .l2
        return abs(memberLoss - otherLoss)
    }

    /// The mean loss of the current weights over `indices`; writes its gradient into `target`.
    func meanGradient(of indices: [Int], into target: UnsafeMutablePointer<Float>) -> Double {
        let count = model.parameterCount
        target.update(repeating: 0, count: count)
        var sum = 0.0
        let (model, workspace, loss, chunk) = (model, workspace, loss, chunkGradient.pointer)
        let logitGradient = workspace.gradients[workspace.gradients.count - 1].pointer
        let (parameters, classes, total) = (parameters.pointer, data.classCount, Float(indices.count))
        forEachChunk(of: indices, parameters: parameters) { logits, batch in
            sum += loss.evaluate(
                logits: logits, labels: workspace.labels, batch: batch, classes: classes, gradient: logitGradient
            ).sum
            model.backward(
                workspace.input.pointer, batch: batch, parameters: parameters, gradients: chunk, workspace: workspace)
            let share = Float(batch) / total
            for index in 0..<count { target[index] += share * chunk[index] }
        }
        return sum / Double(indices.count)
    }
}
