/// How a model's initial weights are drawn from the run's seed (see ``Layer`` for the formulas).
public enum WeightInitialization: String, Codable, Sendable, Hashable {
    /// Weights and biases uniform in ±1/√fanIn, PyTorch's default for linear and convolution layers.
    case pytorchDefault = "pytorch_default"
    /// He et al.: weights normal with variance 2/fanIn, biases zero (suits ReLU networks).
    case kaimingNormal = "kaiming_normal"
    /// Glorot & Bengio: weights uniform in ±√(6/(fanIn + fanOut)), biases zero.
    case glorotUniform = "glorot_uniform"
}
