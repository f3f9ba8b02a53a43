import Foundation
import MnemoCore
import MnemoData
import MnemoLearn
import MnemoLinalg

/// `mnemo-bench`: training speed of the built-in engine against the raw `sgemm` calls it makes and,
/// given the peer's JSON, against PyTorch on the same data, batch size, epochs and one thread.
/// Prints a Markdown table; `Benchmarks/run.sh` writes it into `Benchmarks/README.md`.
@main
struct MnemoBench {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.contains("--help") || arguments.contains("-h") {
            print(BenchmarkOptions.usage)
            return
        }
        let child = arguments.first == MemoryCheck.childFlag ? arguments.dropFirst().first : nil
        let options: BenchmarkOptions
        do {
            options = try BenchmarkOptions.parse(Array(arguments.dropFirst(child == nil ? 0 : 2)))
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(2)
        }
        BLAS.setThreads(1)
        if let child {
            guard let model = (BenchmarkModel.all + BenchmarkModel.optional).first(where: { $0.name == child }) else {
                FileHandle.standardError.write(Data("no benchmark model \(child)\n".utf8))
                exit(2)
            }
            try MemoryCheck.runChild(model: model, options: options)
            return
        }
        let peer = options.peerPython.map { PeerRunner(python: $0, script: options.peerScript) }
        let models =
            options.models.isEmpty
            ? BenchmarkModel.all
            : (BenchmarkModel.all + BenchmarkModel.optional).filter { options.models.contains($0.name) }
        // One dataset per input width and size: the MLPs share theirs.
        var byWidth: [[Int]: (data: LabeledData, description: String)] = [:]
        var descriptions: [String] = []
        let datasets = try models.map { model in
            let key = [model.inputWidth, model.examples(options)]
            if let loaded = byWidth[key] { return loaded }
            let loaded = try trainingData(for: model, options)
            byWidth[key] = loaded
            descriptions.append(loaded.description)
            return loaded
        }
        print("Data: \(descriptions.joined(separator: "; ")); batch \(options.batchSize), 1 BLAS thread; ")
        print("median of \(options.trials) trials, each timing \(options.epochs) epochs.")
        var rows: [String] = []
        var torchVersion: String?
        for (model, (data, _)) in zip(models, datasets) {
            let examples = data.count
            let layers = model.layers(inputWidth: data.dimension, classCount: data.classCount)
            var engine: [Double] = []
            var gemm: [Double] = []
            var peerSeconds: [Double] = []
            for _ in 0..<options.trials {
                engine.append(
                    try EngineTiming(
                        model: model, data: data, examples: examples, batchSize: options.batchSize,
                        epochs: options.epochs
                    ).epochSeconds())
                // The sgemm-only floor covers the dense products; the CNN's are convolutions.
                if model.convolution == nil {
                    gemm.append(
                        (0..<options.epochs).map { _ in
                            GemmTiming(layers: layers, examples: examples, batchSize: options.batchSize)
                                .epochSeconds()
                        }.reduce(0, +) / Double(options.epochs))
                }
                if let peer {
                    let (result, torch) = try peer.run(model: model, examples: examples, options: options)
                    peerSeconds.append(result.secondsPerEpoch)
                    torchVersion = torch
                }
            }
            let engineSeconds = median(engine)
            let speed = Double(examples) / engineSeconds
            let gemmSeconds = gemm.isEmpty ? nil : median(gemm)
            let gemmText = gemmSeconds.map { format($0, digits: 3) } ?? "–"
            let gemmRatio = gemmSeconds.map { format(engineSeconds / $0, digits: 2) } ?? "–"
            let peerSpeed = peerSeconds.isEmpty ? nil : Double(examples) / median(peerSeconds)
            let peerText = peerSpeed.map { format($0, digits: 0) } ?? "–"
            let ratio = peerSpeed.map { format(speed / $0, digits: 2) + "×" } ?? "–"
            rows.append(
                "| \(model.name) | \(model.parameterCount(inputWidth: data.dimension, classCount: data.classCount)) "
                    + "| \(format(engineSeconds, digits: 3)) | \(format(speed, digits: 0)) "
                    + "| \(gemmText) | \(gemmRatio) "
                    + "| \(peerText) | \(ratio) | ≥ \(format(model.target, digits: 2))× |")
        }
        if let torchVersion {
            print("Peer: PyTorch \(torchVersion), 1 thread, same data, batch, optimizer and epochs; its trials")
            print("alternate with the engine's.")
        }
        print("")
        print(
            "| model | params | engine s/epoch | engine examples/s | sgemm-only s/epoch | engine ÷ sgemm time |"
                + " PyTorch examples/s | engine ÷ PyTorch speed | target |")
        print("|---|---|---|---|---|---|---|---|---|")
        rows.forEach { print($0) }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print("")
        print("Peak resident memory of the benchmark process: \(usage.ru_maxrss / 1024) MiB.")
        print("")
        print("Peak memory of a worker training each model (a child process: full dataset prepared without a cache,")
        print("one epoch on the benchmark's examples, every train and test example evaluated), against the bound")
        print("dataset + 6 × parameters + one batch of activations + 64 MiB:")
        print("")
        print("| model | dataset MiB | 6 × params MiB | activations MiB | bound MiB | peak RSS MiB | within |")
        print("|---|---|---|---|---|---|---|")
        for model in models {
            let check = try MemoryCheck.measure(model: model, options: options)
            let mebibytes = { (bytes: Int) in format(Double(bytes) / 1_048_576, digits: 1) }
            print(
                "| \(model.name) | \(mebibytes(check.datasetBytes)) | \(mebibytes(check.parameterBytes)) "
                    + "| \(mebibytes(check.activationBytes)) | \(mebibytes(check.boundBytes)) "
                    + "| \(mebibytes(check.peakBytes)) | \(check.peakBytes <= check.boundBytes ? "yes" : "no") |")
        }
    }

    /// The training data of `model`: for the MLPs the first `options.examples` Fashion-MNIST
    /// training images, for the CNNs `options.imageExamples` images (Fashion-MNIST's for 1 × 28 × 28);
    /// uniform noise of the same shape when the dataset is not installed (always for 3 × 32 × 32
    /// images, as no CIFAR-10 is read), with a description for the table's header.
    static func trainingData(
        for model: BenchmarkModel, _ options: BenchmarkOptions
    ) throws -> (data: LabeledData, description: String) {
        let examples = model.examples(options)
        if model.inputWidth == 784, let splits = try? FashionMNIST.load(directory: options.dataDirectory),
            splits.train.count >= examples
        {
            return (splits.train.selecting(Array(0..<examples)), "\(examples) Fashion-MNIST examples")
        }
        var rng = CounterRNG(key: 1, stream: 0)
        let features = (0..<(examples * model.inputWidth)).map { _ in rng.nextUnitFloat() }
        let labels = (0..<examples).map { _ in Int32(rng.nextIndex(below: 10)) }
        let shape = model.convolution.map { "\($0.inputShape) image" } ?? "\(model.inputWidth)-feature"
        return (
            LabeledData(features: features, labels: labels, dimension: model.inputWidth, classCount: 10),
            "\(examples) examples of synthetic \(shape) noise"
        )
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func format(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}
