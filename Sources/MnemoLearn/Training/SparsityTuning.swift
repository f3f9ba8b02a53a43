/// PAST, privacy-aware sparsity tuning ("Defending Membership Inference Attacks via Privacy-Aware Sparsity Tuning"): after normal training, `epochs` more
/// epochs with the objective plus `λ Σᵢ γᵢ^α |θᵢ|`.
///
/// At the start of each tuning epoch the trainer draws up to `sampleSize` members (the examples it
/// trains on) and as many non-members (every example of the data it does not train on: those
/// outside the subset and any validation examples), computes the loss gap
/// `G = |mean loss(members) − mean loss(non-members)|` and the sensitivities `sᵢ = |∂G/∂θᵢ|`, and
/// normalises them within each layer: `γᵢ = |M|·sᵢ / Σ_{j∈M} sⱼ`, where M is the paper's "associated
/// module (e.g., linear layer)" of θᵢ, i.e. all parameters of that layer, weights and biases
/// together as in a PyTorch `nn.Linear` or `nn.Conv2d` module, so γ averages 1 over each layer
/// (γ = 1 throughout a layer whose sensitivities are all zero). γ is held fixed during the epoch.
///
/// With `norm: l2` the penalty is `λ Σᵢ γᵢ^α θᵢ²` instead: with `alpha: 0`, plain L2 tuning, the baseline
/// the paper compares PAST with beside plain L1 (`alpha: 0`, the default norm).
///
/// Encoded as `{"alpha": 2, "lambda": 1e-5, "epochs": 20, "learning_rate": 0.01, "sample_size": 1000}`
/// (`"norm": "l2"` only when it is).
public struct SparsityTuning: Codable, Sendable, Hashable {
    /// The focusing exponent α (0 gives plain L1); the paper uses 1.5–2.5.
    public var alpha: Double
    /// The penalty weight λ (1e-3 CIFAR-10, 1e-4 CIFAR-100, 1e-5 otherwise in the paper).
    public var lambda: Double
    /// Tuning epochs after training (20–50 in the paper).
    public var epochs: Int
    /// The learning rate of the tuning epochs; nil keeps the rate of the last training epoch.
    public var learningRate: Double?
    /// Members and non-members drawn per tuning epoch to measure the loss gap.
    public var sampleSize: Int
    /// Which norm of the parameters the penalty weighs.
    public var norm: Norm

    /// The norm PAST's penalty weighs: `|θᵢ|` (the paper's) or `θᵢ²`.
    public enum Norm: String, Codable, Sendable, Hashable {
        case l1, l2

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let norm = Norm(rawValue: text) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: decoder.codingPath, debugDescription: "expected l1 or l2, got '\(text)'"))
            }
            self = norm
        }
    }

    /// PAST with exponent `alpha`, weight `lambda`, for `epochs` epochs.
    public init(
        alpha: Double, lambda: Double, epochs: Int, learningRate: Double? = nil, sampleSize: Int = 1000, norm: Norm = .l1
    ) {
        self.norm = norm
        self.alpha = alpha
        self.lambda = lambda
        self.epochs = epochs
        self.learningRate = learningRate
        self.sampleSize = sampleSize
    }

    func validate() throws(TrainingError) {
        guard alpha.isFinite, alpha >= 0 else {
            throw .invalidConfiguration(field: "past.alpha", problem: "\(alpha) is not a non-negative number")
        }
        guard lambda.isFinite, lambda >= 0 else {
            throw .invalidConfiguration(field: "past.lambda", problem: "\(lambda) is not a non-negative number")
        }
        guard epochs >= 1 else {
            throw .invalidConfiguration(field: "past.epochs", problem: "\(epochs) is not a positive integer")
        }
        if let rate = learningRate, !(rate.isFinite && rate > 0) {
            throw .invalidConfiguration(field: "past.learning_rate", problem: "\(rate) is not a positive number")
        }
        guard sampleSize >= 1 else {
            throw .invalidConfiguration(field: "past.sample_size", problem: "\(sampleSize) is not a positive integer")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case alpha, lambda, epochs
        case learningRate = "learning_rate"
        case sampleSize = "sample_size"
        case norm
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(alpha, forKey: .alpha)
        try container.encode(lambda, forKey: .lambda)
        try container.encode(epochs, forKey: .epochs)
        try container.encodeIfPresent(learningRate, forKey: .learningRate)
        try container.encode(sampleSize, forKey: .sampleSize)
        if norm != .l1 { try container.encode(norm, forKey: .norm) }
    }

    /// Decodes the sweep file's `past` section; `learning_rate`, `sample_size` and `norm` may be left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            alpha: try container.decode(Double.self, forKey: .alpha),
            lambda: try container.decode(Double.self, forKey: .lambda),
            epochs: try container.decode(Int.self, forKey: .epochs),
            learningRate: try container.decodeIfPresent(Double.self, forKey: .learningRate),
            sampleSize: try container.decodeIfPresent(Int.self, forKey: .sampleSize) ?? 1000,
            norm: try container.decodeIfPresent(Norm.self, forKey: .norm) ?? .l1)
    }
}
