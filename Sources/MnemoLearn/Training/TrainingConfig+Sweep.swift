import Foundation
import MnemoCore

extension TrainingConfig {
    /// The engine configuration of a sweep trial: its model and training sections, with the engine's
    /// further settings (``TrainingSpec/engineOptions``) decoded and every field validated.
    ///
    /// - Throws: ``TrainingError`` naming the field at fault (`training.objective.rho`, …).
    public init(model: ModelSpec, training: TrainingSpec) throws(TrainingError) {
        var object: [String: Any] = [
            "hidden_sizes": model.hidden, "learning_rate": training.learningRate, "momentum": training.momentum,
            "nesterov": training.nesterov, "weight_decay": training.weightDecay, "batch_size": training.batchSize,
            "max_epochs": training.maxEpochs,
        ]
        if let target = training.untilTrainAccuracy { object["until_train_accuracy"] = target }
        if !training.engineOptions.isEmpty,
            let options = try? JSONSerialization.jsonObject(with: Data(training.engineOptions.utf8)) as? [String: Any]
        {
            object.merge(options) { _, option in option }
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: object)
            self = try JSONDecoder().decode(TrainingConfig.self, from: data)
        } catch let error as DecodingError {
            throw Self.sweepError(error)
        } catch {
            throw .invalidConfiguration(field: "training", problem: "\(error)")
        }
        if model.kind == "cnn", convolution == nil {
            throw .invalidConfiguration(field: "convolution", problem: "a cnn needs a convolution section")
        }
        try validate()
    }

    /// A decoding error as the sweep field it is about and what was wrong.
    private static func sweepError(_ error: DecodingError) -> TrainingError {
        let (path, problem): ([any CodingKey], String)
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            (path, problem) = (context.codingPath, context.debugDescription)
        case .keyNotFound(let key, let context):
            (path, problem) = (context.codingPath + [key], "missing required field '\(key.stringValue)'")
        @unknown default:
            (path, problem) = ([], "\(error)")
        }
        let keys = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return .invalidConfiguration(field: String(keys.dropFirst()), problem: problem)
    }
}
