import Foundation
import MnemoData

/// A trained model: its configuration, its parameters and how training went.
public struct TrainedModel: Sendable {
    /// The configuration it was trained with.
    public let config: TrainingConfig
    /// The flat parameter vector the model is evaluated with (the SWA mean, when averaging): per
    /// layer, weights (dense: `inputWidth × outputWidth` row-major; convolution:
    /// `outputChannels × inputChannels × 3 × 3`) then biases.
    public let parameters: [Float]
    /// How training went.
    public let report: TrainingReport
    let model: Sequential

    /// Rows evaluated per forward pass: large enough for efficient GEMMs, small enough to stay in cache.
    static let evaluationBatch = 256

    /// Classifies every example of `data` (which must have the model's dimension and class count),
    /// keeping the full logit matrix when `keepLogits`.
    public func evaluate(_ data: LabeledData, keepLogits: Bool = false) -> Evaluation {
        precondition(data.dimension == model.inputWidth, "data has \(data.dimension) features, the model \(model.inputWidth)")
        precondition(data.classCount == model.outputWidth, "data has \(data.classCount) classes, the model \(model.outputWidth)")
        let classes = data.classCount
        var correct = [Bool](repeating: false, count: data.count)
        var margins = [Float](repeating: 0, count: data.count)
        var probabilities = [Float](repeating: 0, count: data.count)
        var losses = [Float](repeating: 0, count: data.count)
        var allLogits = [Float](repeating: 0, count: keepLogits ? data.count * classes : 0)
        guard data.count > 0 else {
            return Evaluation(
                correct: correct, margins: margins, probabilities: probabilities, losses: losses,
                logits: keepLogits ? allLogits : nil)
        }
        let workspace = Workspace(model: model, capacity: min(Self.evaluationBatch, data.count), training: false)
        parameters.withUnsafeBufferPointer { parameters in
            data.features.withUnsafeBufferPointer { features in
                for start in stride(from: 0, to: data.count, by: workspace.capacity) {
                    let batch = min(workspace.capacity, data.count - start)
                    let logits = model.forward(
                        features.baseAddress! + start * data.dimension, batch: batch,
                        parameters: parameters.baseAddress!, workspace: workspace)
                    for row in 0..<batch {
                        let z = logits + row * classes
                        let label = Int(data.labels[start + row])
                        var predicted = 0
                        var otherLargest = -Float.infinity
                        for column in 0..<classes {
                            if z[column] > z[predicted] { predicted = column }
                            if column != label, z[column] > otherLargest { otherLargest = z[column] }
                        }
                        var total: Float = 0
                        for column in 0..<classes { total += Foundation.exp(z[column] - z[predicted]) }
                        correct[start + row] = predicted == label
                        margins[start + row] = z[label] - otherLargest
                        probabilities[start + row] = Foundation.exp(z[label] - z[predicted]) / total
                        losses[start + row] = Foundation.log(total) - (z[label] - z[predicted])
                        if keepLogits {
                            for column in 0..<classes { allLogits[(start + row) * classes + column] = z[column] }
                        }
                    }
                }
            }
        }
        return Evaluation(
            correct: correct, margins: margins, probabilities: probabilities, losses: losses,
            logits: keepLogits ? allLogits : nil)
    }
}
