import Foundation
import MnemoCore
import MnemoLearn
import MnemoWire

/// The per-example float arrays a result carries for a sweep's `outputs`, in the order the payload
/// holds them: for each output, its train array then its test array.
struct RunOutputArrays {
    var headers: [ResultArrayHeader] = []
    var data: [Data] = []

    /// Adds one array of float32 values.
    mutating func append(_ name: String, shape: [Int], values: [Float]) {
        headers.append(ResultArrayHeader(name: name, shape: shape))
        data.append(values.withUnsafeBytes { Data($0) })
    }

    /// The arrays of `outputs` from the built-in engine's evaluations of the train and test examples
    /// and, when `outputs` has ``RunOutput/labelOnly``, their label-only scores.
    static func fromEngine(
        _ outputs: [RunOutput], train: Evaluation, test: Evaluation, labelOnly: (train: [Float], test: [Float])?, classes: Int
    ) -> RunOutputArrays {
        var arrays = RunOutputArrays()
        for output in outputs {
            for (split, evaluation) in [("train", train), ("test", test)] {
                let values: [Float]
                switch output {
                case .correctness: continue
                case .labelOnly: values = (split == "train" ? labelOnly?.train : labelOnly?.test) ?? []
                case .margin: values = evaluation.margins
                case .loss: values = evaluation.losses
                case .confidence: values = evaluation.probabilities
                case .logits: values = evaluation.logits ?? []
                case .probability: values = Self.softmax(evaluation.logits ?? [], classes: classes)
                }
                arrays.append(output.arrayName(split), shape: output.shape(count: evaluation.correct.count, classes: classes), values: values)
            }
        }
        return arrays
    }

    /// Zeros in the shapes of `outputs` (the `noop` trainer's).
    static func zeros(_ outputs: [RunOutput], trainCount: Int, testCount: Int, classes: Int) -> RunOutputArrays {
        var arrays = RunOutputArrays()
        for output in outputs where output != .correctness {
            for (split, count) in [("train", trainCount), ("test", testCount)] {
                let shape = output.shape(count: count, classes: classes)
                arrays.append(output.arrayName(split), shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
            }
        }
        return arrays
    }

    /// Row-wise softmax of a `rows × classes` matrix.
    static func softmax(_ logits: [Float], classes: Int) -> [Float] {
        var result = logits
        for row in stride(from: 0, to: logits.count, by: classes) {
            let slice = logits[row..<row + classes]
            let largest = slice.max() ?? 0
            var total: Float = 0
            for column in 0..<classes { total += Foundation.exp(logits[row + column] - largest) }
            for column in 0..<classes { result[row + column] = Foundation.exp(logits[row + column] - largest) / total }
        }
        return result
    }
}
