import Foundation

/// Command-line options of `mnemo-bench`.
struct BenchmarkOptions {
    /// Training examples per epoch of the MLPs (the first ones of the training split).
    var examples = 42_000
    /// Training examples per epoch of the CNN, which is ~50× slower per example than the MLPs.
    var imageExamples = 3_000
    /// Timed epochs per trial (on top of one untimed epoch that the timing subtracts).
    var epochs = 2
    /// Trials per model; the median is reported.
    var trials = 3
    /// Examples per batch.
    var batchSize = 128
    /// Fashion-MNIST folder; synthetic data of the same shape when it is missing.
    var dataDirectory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")
    /// The Python of the PyTorch peer's environment; with ``peerScript``, a peer trial runs after
    /// each engine trial.
    var peerPython: URL?
    /// `peers/pytorch_peer.py`.
    var peerScript = URL(fileURLWithPath: "Benchmarks/peers/pytorch_peer.py")
    /// Which models to run (names as in the table); all when empty.
    var models: [String] = []

    static let usage = """
        usage: mnemo-bench [--examples N] [--image-examples N] [--epochs N] [--trials N] [--batch N] [--data DIR]
                           [--peer-python PYTHON] [--peer-script FILE] [--model NAME]...
        Times training epochs of the built-in engine with one BLAS thread, and the same sgemm calls alone.
        --examples sets the MLPs' epoch, --image-examples the CNNs' (default 3000). Without --model,
        runs the MLPs and cnn-3x32x32-32-64-128; cnn-1x28x28-16-32-64 and cnn-1x28x28-32-64-128 run
        when named.
        """

    /// Parses `arguments` (without the program name).
    static func parse(_ arguments: [String]) throws -> BenchmarkOptions {
        var options = BenchmarkOptions()
        var remaining = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = remaining.popFirst() else { throw UsageError(message: "\(flag) needs a value") }
            return next
        }
        func positive(_ flag: String) throws -> Int {
            let text = try value(flag)
            guard let number = Int(text), number > 0 else {
                throw UsageError(message: "\(flag) \(text) is not a positive integer")
            }
            return number
        }
        while let flag = remaining.popFirst() {
            switch flag {
            case "--examples": options.examples = try positive(flag)
            case "--image-examples": options.imageExamples = try positive(flag)
            case "--epochs": options.epochs = try positive(flag)
            case "--trials": options.trials = try positive(flag)
            case "--batch": options.batchSize = try positive(flag)
            case "--data": options.dataDirectory = URL(fileURLWithPath: try value(flag))
            case "--peer-python": options.peerPython = URL(fileURLWithPath: try value(flag))
            case "--peer-script": options.peerScript = URL(fileURLWithPath: try value(flag))
            case "--model": options.models.append(try value(flag))
            default: throw UsageError(message: "unknown argument \(flag)")
            }
        }
        return options
    }
}

/// A command-line mistake; printed with the usage.
struct UsageError: Error, CustomStringConvertible {
    let message: String
    var description: String { message + "\n" + BenchmarkOptions.usage }
}
