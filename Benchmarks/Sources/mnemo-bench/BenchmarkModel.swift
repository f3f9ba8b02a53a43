import MnemoLearn

/// A model of the benchmark table: an MLP of the given hidden widths on 784 inputs, or a small CNN
/// on images, with 10 classes.
struct BenchmarkModel {
    /// The name in the table and on the command line, e.g. `784-512-10`.
    let name: String
    /// Widths of the ReLU hidden layers (the CNN's dense head); empty for softmax regression.
    let hiddenSizes: [Int]
    /// The CNN's convolutional trunk; nil for an MLP.
    var convolution: ConvolutionSpec?

    /// The models of issue 4's targets, with the engine/PyTorch speed-up each must reach.
    static let all = [
        BenchmarkModel(name: "784-512-10", hiddenSizes: [512]),
        BenchmarkModel(name: "784-128-10", hiddenSizes: [128]),
        BenchmarkModel(name: "784-64-10", hiddenSizes: [64]),
        BenchmarkModel(name: "784-10", hiddenSizes: []),
        BenchmarkModel(
            name: "cnn-3x32x32-32-64-128", hiddenSizes: [],
            convolution: ConvolutionSpec(
                inputShape: ImageShape(channels: 3, height: 32, width: 32), channels: [32, 64, 128])),
    ]

    /// Further CNNs, on Fashion-MNIST's 1 × 28 × 28 images, run only when named with `--model`.
    static let optional = [
        BenchmarkModel(
            name: "cnn-1x28x28-16-32-64", hiddenSizes: [],
            convolution: ConvolutionSpec(
                inputShape: ImageShape(channels: 1, height: 28, width: 28), channels: [16, 32, 64])),
        BenchmarkModel(
            name: "cnn-1x28x28-32-64-128", hiddenSizes: [],
            convolution: ConvolutionSpec(
                inputShape: ImageShape(channels: 1, height: 28, width: 28), channels: [32, 64, 128])),
    ]

    /// Values per example: 784 for the MLPs, the image size for the CNN.
    var inputWidth: Int { convolution?.inputShape.count ?? 784 }

    /// Examples per epoch: `--examples` for the MLPs, `--image-examples` for the CNNs.
    func examples(_ options: BenchmarkOptions) -> Int {
        convolution == nil ? options.examples : options.imageExamples
    }

    /// The engine configuration every side of the benchmark trains: SGD at lr 0.05 (the peer's
    /// Nesterov momentum 0.9 is the engine's default), `epochs` epochs of `batchSize`.
    func config(batchSize: Int, epochs: Int) -> TrainingConfig {
        var config = TrainingConfig(
            hiddenSizes: hiddenSizes, learningRate: 0.05, batchSize: batchSize, maxEpochs: epochs)
        config.convolution = convolution
        return config
    }

    /// The speed-up over PyTorch that issue 4 asks for.
    var target: Double {
        if convolution != nil { return 0.8 }
        switch hiddenSizes.first {
        case 512: return 1.25
        case 128: return 1.5
        case 64: return 2
        default: return 3
        }
    }

    /// (input, output) width of each dense layer.
    func layers(inputWidth: Int, classCount: Int) -> [(input: Int, output: Int)] {
        let widths = [convolution?.channels.last ?? inputWidth] + hiddenSizes + [classCount]
        return zip(widths, widths.dropFirst()).map { ($0, $1) }
    }

    /// Number of weights and biases.
    func parameterCount(inputWidth: Int, classCount: Int) -> Int {
        var count = layers(inputWidth: inputWidth, classCount: classCount).reduce(0) {
            $0 + $1.input * $1.output + $1.output
        }
        if let convolution {
            let inputs = [convolution.inputShape.channels] + convolution.channels
            count += zip(inputs, convolution.channels).reduce(0) { $0 + ($1.0 * 9 + 1) * $1.1 }
        }
        return count
    }
}
