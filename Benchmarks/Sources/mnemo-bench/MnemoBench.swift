import Foundation
import MnemoCore
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
            guard let model = BenchmarkModel.all.first(where: { $0.name == child }) else {
                FileHandle.standardError.write(Data("no benchmark model \(child)\n".utf8))
                exit(2)
            }
            try MemoryCheck.runChild(model: model, options: options)
            return
        }
        let (data, dataName) = try trainingData(options)
        let peer = options.peerPython.map { PeerRunner(python: $0, script: options.peerScript) }
        let models =
            options.models.isEmpty ? BenchmarkModel.all : BenchmarkModel.all.filter { options.models.contains($0.name) }
        print("Data: \(dataName), \(options.examples) examples, batch \(options.batchSize), 1 BLAS thread; ")
        print("median of \(options.trials) trials, each timing \(options.epochs) epochs.")
        var rows: [String] = []
        var torchVersion: String?
        for model in models {
            let layers = model.layers(inputWidth: data.dimension, classCount: data.classCount)
            var engine: [Double] = []
            var gemm: [Double] = []
            var peerSeconds: [Double] = []
            for _ in 0..<options.trials {
                engine.append(
                    try EngineTiming(
                        model: model, data: data, examples: options.examples, batchSize: options.batchSize,
                        epochs: options.epochs
                    ).epochSeconds())
                gemm.append(
                    (0..<options.epochs).map { _ in
                        GemmTiming(layers: layers, examples: options.examples, batchSize: options.batchSize)
                            .epochSeconds()
                    }.reduce(0, +) / Double(options.epochs))
                if let peer {
                    let (result, torch) = try peer.run(model: model, options: options)
                    peerSeconds.append(result.secondsPerEpoch)
                    torchVersion = torch
                }
            }
            let engineSeconds = median(engine)
            let gemmSeconds = median(gemm)
            let speed = Double(options.examples) / engineSeconds
            let peerSpeed = peerSeconds.isEmpty ? nil : Double(options.examples) / median(peerSeconds)
            let peerText = peerSpeed.map { format($0, digits: 0) } ?? "–"
            let ratio = peerSpeed.map { format(speed / $0, digits: 2) + "×" } ?? "–"
            rows.append(
                "| \(model.name) | \(model.parameterCount(inputWidth: data.dimension, classCount: data.classCount)) "
                    + "| \(format(engineSeconds, digits: 3)) | \(format(speed, digits: 0)) "
                    + "| \(format(gemmSeconds, digits: 3)) | \(format(engineSeconds / gemmSeconds, digits: 2)) "
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

    /// The first `examples` Fashion-MNIST training images, or uniform noise of the same shape when
    /// the dataset is not installed.
    static func trainingData(_ options: BenchmarkOptions) throws -> (LabeledData, String) {
        if let splits = try? FashionMNIST.load(directory: options.dataDirectory), splits.train.count >= options.examples
        {
            return (splits.train.selecting(Array(0..<options.examples)), "Fashion-MNIST")
        }
        var rng = CounterRNG(key: 1, stream: 0)
        let features = (0..<(options.examples * 784)).map { _ in rng.nextUnitFloat() }
        let labels = (0..<options.examples).map { _ in Int32(rng.nextIndex(below: 10)) }
        return (
            LabeledData(features: features, labels: labels, dimension: 784, classCount: 10),
            "synthetic 784-feature noise"
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
