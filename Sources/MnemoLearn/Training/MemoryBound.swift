import Foundation
import MnemoData

/// The resident memory one training process may peak at (issue 4): its dataset, six copies of the
/// parameters (weights, gradients, momentum, SAM's perturbed weights and their gradient, SWA's
/// mean), one batch of activations, and 64 MiB for everything else (runtime, BLAS buffers, the
/// file bytes while a dataset is decoded).
///
/// ```swift
/// let bound = MemoryBound(config: config, train: prepared.train, test: prepared.test)
/// print(bound.totalBytes >> 20, "MiB")
/// ```
public struct MemoryBound: Sendable, Equatable {
    /// Features and labels of the train and test examples held in memory.
    public let datasetBytes: Int
    /// Six float copies of the model's parameters.
    public let parameterBytes: Int
    /// The larger of the training workspace (one batch: input, every layer's output and output
    /// gradient, scratch) and the evaluation workspace (``TrainedModel``'s chunk, outputs only).
    public let activationBytes: Int

    /// What the process itself may use besides the above.
    public static let processBytes = 64 << 20

    /// The bound: the sum of the parts.
    public var totalBytes: Int { datasetBytes + parameterBytes + activationBytes + Self.processBytes }

    /// This process's peak resident set size so far, in bytes: `VmHWM` of `/proc/self/status`, the
    /// high-water mark of its own address space (`getrusage`'s `ru_maxrss` also counts the parent's
    /// peak in a child that a vfork-style spawn started), or `ru_maxrss` where that file is missing.
    public static func peakResidentBytes() -> Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kibibytes = Int(line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces).dropLast(3))
        {
            return kibibytes * 1024
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// The bound for training `config` on examples shaped like `train` and evaluating `train` and `test`.
    public init(config: TrainingConfig, train: LabeledData, test: LabeledData) {
        let model = config.model(inputWidth: train.dimension, classCount: train.classCount)
        let floatSize = MemoryLayout<Float>.stride
        datasetBytes = [train, test].reduce(0) {
            $0 + $1.features.count * floatSize + $1.labels.count * MemoryLayout<Int32>.stride
        }
        parameterBytes = 6 * model.parameterCount * floatSize
        activationBytes = max(
            Workspace.byteCount(model: model, capacity: min(config.batchSize, max(train.count, 1)), training: true),
            Workspace.byteCount(model: model, capacity: TrainedModel.evaluationBatch, training: false))
    }
}
