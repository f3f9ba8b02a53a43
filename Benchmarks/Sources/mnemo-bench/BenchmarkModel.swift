/// A model of the benchmark table: an MLP of the given hidden widths on 784 inputs and 10 classes.
struct BenchmarkModel {
    /// The name in the table and on the command line, e.g. `784-512-10`.
    let name: String
    /// Widths of the ReLU hidden layers; empty for softmax regression.
    let hiddenSizes: [Int]

    /// The models of issue 4's targets, with the engine/PyTorch speed-up each must reach.
    static let all = [
        BenchmarkModel(name: "784-512-10", hiddenSizes: [512]),
        BenchmarkModel(name: "784-128-10", hiddenSizes: [128]),
        BenchmarkModel(name: "784-64-10", hiddenSizes: [64]),
        BenchmarkModel(name: "784-10", hiddenSizes: []),
    ]

    /// The speed-up over PyTorch that issue 4 asks for.
    var target: Double {
        switch hiddenSizes.first {
        case 512: 1.25
        case 128: 1.5
        case 64: 2
        default: 3
        }
    }

    /// (input, output) width of each dense layer.
    func layers(inputWidth: Int, classCount: Int) -> [(input: Int, output: Int)] {
        let widths = [inputWidth] + hiddenSizes + [classCount]
        return zip(widths, widths.dropFirst()).map { ($0, $1) }
    }

    /// Number of weights and biases.
    func parameterCount(inputWidth: Int, classCount: Int) -> Int {
        layers(inputWidth: inputWidth, classCount: classCount).reduce(0) { $0 + $1.input * $1.output + $1.output }
    }
}
