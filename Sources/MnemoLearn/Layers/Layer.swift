import MnemoCore

/// One stage of a feed-forward model, applied to a batch of rows stored row-major.
///
/// A layer is a description (widths, initialisation, the maths); its parameters live in the
/// model's flat parameter vector and its activations in a ``Workspace``, so that optimizers see one
/// contiguous vector and nothing is allocated per batch. Image layers see each row as a
/// channels × height × width tensor (channels first).
protocol Layer: Sendable {
    /// Values per input row.
    var inputWidth: Int { get }
    /// Values per output row.
    var outputWidth: Int { get }
    /// Number of trainable parameters: `weightCount` weights, then biases.
    var parameterCount: Int { get }
    /// Number of weights (the rest of the parameters are biases).
    var weightCount: Int { get }
    /// Inputs feeding each output unit (for initialisation).
    var fanIn: Int { get }
    /// Outputs each input unit feeds (for initialisation).
    var fanOut: Int { get }
    /// Floats of scratch memory one forward or backward call needs, whatever the batch size.
    var scratchCount: Int { get }

    /// `output[batch × outputWidth] = f(input[batch × inputWidth]; parameters)`.
    func forward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int, parameters: UnsafePointer<Float>,
        scratch: UnsafeMutablePointer<Float>)

    /// Back-propagates `outputGradient` (∂loss/∂output, which the layer may overwrite).
    ///
    /// Overwrites `parameterGradient` with ∂loss/∂parameters and, when `inputGradient` is given,
    /// writes ∂loss/∂input into it; the first layer passes nil to skip that product.
    func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, batch: Int,
        parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>,
        scratch: UnsafeMutablePointer<Float>)
}

extension Layer {
    /// Writes initial values into `parameters` (`parameterCount` of them), drawing from `rng` in
    /// parameter order:
    /// - ``WeightInitialization/pytorchDefault``: weights and biases uniform in ±1/√fanIn (PyTorch's
    ///   `nn.Linear` and `nn.Conv2d` defaults, Kaiming-uniform with a = √5);
    /// - ``WeightInitialization/kaimingNormal``: weights normal with variance 2/fanIn, biases 0;
    /// - ``WeightInitialization/glorotUniform``: weights uniform in ±√(6/(fanIn + fanOut)), biases 0.
    func initialize(
        _ parameters: UnsafeMutableBufferPointer<Float>, rng: inout CounterRNG, scheme: WeightInitialization
    ) {
        switch scheme {
        case .pytorchDefault:
            let bound = 1 / Float(fanIn).squareRoot()
            for index in parameters.indices { parameters[index] = (2 * rng.nextUnitFloat() - 1) * bound }
        case .kaimingNormal:
            let deviation = (2 / Float(fanIn)).squareRoot()
            for index in 0..<weightCount { parameters[index] = rng.nextGaussian() * deviation }
            for index in weightCount..<parameterCount { parameters[index] = 0 }
        case .glorotUniform:
            let bound = (6 / Float(fanIn + fanOut)).squareRoot()
            for index in 0..<weightCount { parameters[index] = (2 * rng.nextUnitFloat() - 1) * bound }
            for index in weightCount..<parameterCount { parameters[index] = 0 }
        }
    }
}
