import Foundation
import MnemoData
import MnemoLearn

/// Peak resident memory of training one model as a worker does, in a fresh child process, next to
/// issue 4's bound (``MemoryBound``): the child prepares the full dataset (Fashion-MNIST's train
/// and test splits, not cached), trains one epoch on the benchmark's first examples (later epochs
/// allocate nothing), evaluates every train and test example, and reports its peak RSS.
struct MemoryCheck: Codable {
    /// The child's peak resident set size (``MemoryBound/peakResidentBytes()``).
    let peakBytes: Int
    /// The bound's parts, for the table.
    let datasetBytes: Int
    let parameterBytes: Int
    let activationBytes: Int

    /// The bound.
    var boundBytes: Int { datasetBytes + parameterBytes + activationBytes + MemoryBound.processBytes }

    /// The command-line flag that makes `mnemo-bench` the child measuring one model.
    static let childFlag = "--memory-child"

    /// Runs the child for `model` (this same executable with ``childFlag``) and reads its report.
    static func measure(model: BenchmarkModel, options: BenchmarkOptions) throws -> MemoryCheck {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = [
            childFlag, model.name, "--examples", String(options.examples), "--image-examples",
            String(options.imageExamples), "--batch", String(options.batchSize), "--data", options.dataDirectory.path,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw MemoryCheckFailure(model: model.name, status: process.terminationStatus)
        }
        return try JSONDecoder().decode(MemoryCheck.self, from: output)
    }

    /// The child's work: trains `model` and prints its ``MemoryCheck`` as JSON.
    static func runChild(model: BenchmarkModel, options: BenchmarkOptions) throws {
        let (train, test) = try data(for: model, options)
        let config = model.config(batchSize: options.batchSize, epochs: 1)
        let examples = min(model.examples(options), train.count)
        let trained = try Trainer(config: config).train(seed: 1, data: train, subset: Array(0..<examples))
        _ = trained.evaluate(train)
        _ = trained.evaluate(test)
        let bound = MemoryBound(config: config, train: train, test: test)
        let check = MemoryCheck(
            peakBytes: MemoryBound.peakResidentBytes(), datasetBytes: bound.datasetBytes, parameterBytes: bound.parameterBytes,
            activationBytes: bound.activationBytes)
        FileHandle.standardOutput.write(try JSONEncoder().encode(check))
    }

    /// The worker's data: for 784-feature models Fashion-MNIST's full splits prepared without a
    /// cache; otherwise, or when it is not installed, the benchmark's synthetic examples and no test set.
    private static func data(
        for model: BenchmarkModel, _ options: BenchmarkOptions
    ) throws -> (train: LabeledData, test: LabeledData) {
        if model.inputWidth == 784, let prepared = try? PreparedDataset.make(
            directory: options.dataDirectory, trainLimit: nil, testLimit: nil, seed: 1, labelNoise: 0, cache: nil),
            prepared.train.count >= options.examples
        {
            return (prepared.train, prepared.test)
        }
        let (train, _) = try MnemoBench.trainingData(for: model, options)
        return (train, LabeledData(features: [], labels: [], dimension: train.dimension, classCount: train.classCount))
    }
}

/// The memory-measuring child failed.
struct MemoryCheckFailure: Error, CustomStringConvertible {
    let model: String
    let status: Int32
    var description: String { "the memory check of \(model) exited with status \(status)" }
}
