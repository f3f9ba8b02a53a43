import Foundation
import MnemoCore
import MnemoStore

/// A database holding one trial of `shape.runs` finished runs with random correctness bits, registered
/// as a coordinator would have (sweep, trial, dataset summary, tasks, results), for the aggregation
/// benchmark to read back.
enum AggregateDatabase {
    static let sweepID = "aggregate"

    /// Writes the database at `path` (which must not exist).
    static func generate(_ shape: AggregateShape, at path: String) throws {
        let store = try Store(path: path)
        let spec = SweepSpec(
            name: sweepID, seed: 1,
            dataset: DatasetSpec(name: "synthetic", path: "", trainLimit: nil, testLimit: nil, labelNoise: 0),
            model: ModelSpec(kind: "mlp", hidden: []),
            training: TrainingSpec(
                batchSize: 128, learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0, maxEpochs: 1,
                untilTrainAccuracy: nil),
            estimator: EstimatorSpec(subsets: shape.runs, ratio: 0.7), grid: [])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try store.registerSweep(
            SweepRecord(
                id: sweepID, name: sweepID, specYAML: String(decoding: try encoder.encode(spec), as: UTF8.self), seed: 1,
                createdAt: Date()))
        try store.insertTrials([TrialRecord(sweepID: sweepID, trialIndex: 0, name: spec.trials[0].name, paramsJSON: "{}")])
        let trainLabels = (0..<shape.train).map { Int32($0 % shape.classes) }
        let summary = DatasetSummary(
            contentHash: "aggregate-benchmark", classCount: shape.classes, trainLabels: trainLabels,
            originalTrainLabels: trainLabels, testLabels: (0..<shape.test).map { Int32($0 % shape.classes) },
            flippedIndices: [])
        try store.putArtifact(sweepID: sweepID, name: DatasetSummary.artifactName, data: try JSONEncoder().encode(summary))
        let now = Date()
        _ = try store.insertTasksIfAbsent(
            (0..<shape.runs).map { k in
                TaskRecord(
                    id: "task-\(k)", sweepID: sweepID, trialIndex: 0, subsetIndex: k, seed: UInt64(k), specJSON: "{}",
                    createdAt: now)
            })
        var generator = SystemRandomNumberGenerator()
        func randomBits(_ count: Int) -> Data {
            var bytes = (0..<BitVector.byteCount(for: count)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if count % 8 != 0 { bytes[bytes.count - 1] &= UInt8((1 << (count % 8)) - 1) }
            return Data(bytes)
        }
        for start in stride(from: 0, to: shape.runs, by: 100) {
            var writes: [StoreWrite] = []
            for k in start..<min(shape.runs, start + 100) {
                writes.append(.lease(taskID: "task-\(k)", attempt: 1, worker: "bench", at: now))
                writes.append(
                    .result(
                        ResultRecord(
                            taskID: "task-\(k)", attempt: 1, workerID: "bench",
                            trainBits: randomBits(shape.train), testBits: randomBits(shape.test),
                            subsetAccuracy: 1, testAccuracy: 0.5, epochs: 1, seconds: 1, receivedAt: now)))
            }
            _ = try store.apply(writes)
        }
    }
}
