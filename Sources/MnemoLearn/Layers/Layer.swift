import MnemoCore

/// One stage of a feed-forward model, applied to a batch of rows stored row-major.
///
/// A layer is a description (widths, initialisation, the maths); its parameters live in the
/// model's flat parameter vector and its activations in a ``Workspace``, so that optimizers see one
/// contiguous vector and nothing is allocated per batch.
protocol Layer: Sendable {
    /// Values per input row.
    var inputWidth: Int { get }
    /// Values per output row.
    var outputWidth: Int { get }
    /// Number of trainable parameters.
    var parameterCount: Int { get }

    /// Writes initial values into `parameters` (`parameterCount` of them).
    func initialize(_ parameters: UnsafeMutableBufferPointer<Float>, rng: inout CounterRNG)

    /// `output[batch × outputWidth] = f(input[batch × inputWidth]; parameters)`.
    func forward(
        input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, batch: Int, parameters: UnsafePointer<Float>)

    /// Back-propagates `outputGradient` (∂loss/∂output, which the layer may overwrite).
    ///
    /// Overwrites `parameterGradient` with ∂loss/∂parameters and, when `inputGradient` is given,
    /// writes ∂loss/∂input into it; the first layer passes nil to skip that product.
    func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, batch: Int,
        parameters: UnsafePointer<Float>, parameterGradient: UnsafeMutablePointer<Float>)
}
