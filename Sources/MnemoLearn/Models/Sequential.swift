import MnemoCore

/// A chain of layers whose parameters form one flat vector, layer after layer.
struct Sequential: Sendable {
    /// The layers, input first.
    let layers: [any Layer]
    /// Where each layer's parameters start in the flat vector.
    let parameterOffsets: [Int]
    /// Total number of parameters.
    let parameterCount: Int

    /// A chain of `layers`; each layer's input width must equal the previous layer's output width.
    init(layers: [any Layer]) {
        precondition(!layers.isEmpty, "a model needs at least one layer")
        for (previous, next) in zip(layers, layers.dropFirst()) {
            precondition(previous.outputWidth == next.inputWidth, "layer widths do not chain")
        }
        self.layers = layers
        var offsets: [Int] = []
        var total = 0
        for layer in layers {
            offsets.append(total)
            total += layer.parameterCount
        }
        parameterOffsets = offsets
        parameterCount = total
    }

    /// Values per input row.
    var inputWidth: Int { layers[0].inputWidth }
    /// Values per output row (the logits).
    var outputWidth: Int { layers[layers.count - 1].outputWidth }

    /// An MLP: ReLU dense layers of `hiddenWidths`, then a dense layer to `classCount` logits.
    /// With no hidden widths this is softmax regression.
    static func multilayerPerceptron(inputWidth: Int, hiddenWidths: [Int], classCount: Int) -> Sequential {
        let widths = [inputWidth] + hiddenWidths + [classCount]
        let layers: [any Layer] = (0..<(widths.count - 1)).map { index in
            Dense(
                inputWidth: widths[index], outputWidth: widths[index + 1],
                activation: index == widths.count - 2 ? .identity : .relu)
        }
        return Sequential(layers: layers)
    }

    /// A small CNN for `convolution.inputShape` images: per entry of `convolution.channels` a 3 × 3
    /// convolution with ReLU, a 2 × 2 max-pool between consecutive convolutions, the readout after
    /// the last one (a global average pool, or a max-pool whose maps the head reads flat), then the
    /// MLP head `hiddenWidths` → `classCount`.
    static func convolutional(
        _ convolution: ConvolutionSpec, hiddenWidths: [Int], classCount: Int
    ) -> Sequential {
        var layers: [any Layer] = []
        var shape = convolution.inputShape
        for (index, channels) in convolution.channels.enumerated() {
            if index > 0 {
                let pool = MaxPool(input: shape)
                layers.append(pool)
                shape = pool.output
            }
            let layer = Convolution(input: shape, outputChannels: channels)
            layers.append(layer)
            shape = layer.output
        }
        let features: Int
        switch convolution.readout {
        case .globalAverage:
            layers.append(GlobalAveragePool(input: shape))
            features = shape.channels
        case .flatten:
            let pool = MaxPool(input: shape)
            layers.append(pool)
            features = pool.output.count
        }
        let head = multilayerPerceptron(inputWidth: features, hiddenWidths: hiddenWidths, classCount: classCount)
        return Sequential(layers: layers + head.layers)
    }

    /// Initial parameters, each layer drawing from `rng` in turn.
    func initialParameters(rng: inout CounterRNG, scheme: WeightInitialization = .pytorchDefault) -> [Float] {
        var parameters = [Float](repeating: 0, count: parameterCount)
        parameters.withUnsafeMutableBufferPointer { buffer in
            for (layer, offset) in zip(layers, parameterOffsets) {
                layer.initialize(
                    UnsafeMutableBufferPointer(rebasing: buffer[offset..<(offset + layer.parameterCount)]), rng: &rng,
                    scheme: scheme)
            }
        }
        return parameters
    }

    /// Runs `batch` rows of `input` through the model; returns the logits in `workspace`.
    @discardableResult
    func forward(
        _ input: UnsafePointer<Float>, batch: Int, parameters: UnsafePointer<Float>, workspace: Workspace
    ) -> UnsafeMutablePointer<Float> {
        var current = input
        for (index, layer) in layers.enumerated() {
            let output = workspace.activations[index].pointer
            layer.forward(
                input: current, output: output, batch: batch, parameters: parameters + parameterOffsets[index],
                scratch: workspace.scratch.pointer)
            current = UnsafePointer(output)
        }
        return workspace.activations[layers.count - 1].pointer
    }

    /// Back-propagates the logit gradient in `workspace.gradients.last` after ``forward`` on the same
    /// `input`, overwriting `gradients` with ∂loss/∂parameters.
    func backward(
        _ input: UnsafePointer<Float>, batch: Int, parameters: UnsafePointer<Float>,
        gradients: UnsafeMutablePointer<Float>, workspace: Workspace
    ) {
        for index in layers.indices.reversed() {
            let layerInput = index == 0 ? input : UnsafePointer(workspace.activations[index - 1].pointer)
            layers[index].backward(
                input: layerInput, output: workspace.activations[index].pointer,
                outputGradient: workspace.gradients[index].pointer,
                inputGradient: index == 0 ? nil : workspace.gradients[index - 1].pointer, batch: batch,
                parameters: parameters + parameterOffsets[index],
                parameterGradient: gradients + parameterOffsets[index], scratch: workspace.scratch.pointer)
        }
    }
}
