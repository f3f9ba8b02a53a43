/// What each step minimises, as a combination `a·L(w) + b·L(w + ε)` of the batch loss at the
/// weights and at the sharpness-aware perturbation `ε = ρ·g/‖g‖` (g = ∇L(w), the L2 ball of the
/// SAM paper, App. C.4.2). First-order, as Foret et al.: ε is held fixed when differentiating, so
/// the step direction is `a·∇L(w) + b·∇L(w + ε)`, applied at w.
///
/// Encoded as `{"kind": "standard"}`, `{"kind": "sam", "rho": 0.05}`,
/// `{"kind": "sharp_minima", "rho": 0.01, "lambda": 1.5}` or
/// `{"kind": "sharp_reg", "rho": 0.01, "lambda": 1.5, "xi": 0.3}`.
public enum Objective: Codable, Sendable, Hashable {
    /// `L(w)`: plain empirical risk.
    case standard
    /// SAM, `L(w + ε)`.
    case sam(rho: Double)
    /// The sharp-minima objective (SAM paper eq. 4), `L(w) − λ[L(w + ε) − L(w)]`.
    case sharpMinima(rho: Double, lambda: Double)
    /// SharpReg (SAM paper eq. 5/6), `(1 + λ − ξ)·L(w) − λ·L(w + ε)`; training breaks when ξ is too
    /// large, which the trainer reports as divergence.
    case sharpReg(rho: Double, lambda: Double, xi: Double)

    /// The radius ρ of the perturbation, nil for the standard objective.
    public var rho: Double? {
        switch self {
        case .standard: nil
        case .sam(let rho), .sharpMinima(let rho, _), .sharpReg(let rho, _, _): rho
        }
    }

    /// The weights `(a, b)` of `a·L(w) + b·L(w + ε)`.
    var coefficients: (current: Float, perturbed: Float) {
        switch self {
        case .standard: (1, 0)
        case .sam: (0, 1)
        case .sharpMinima(_, let lambda): (Float(1 + lambda), Float(-lambda))
        case .sharpReg(_, let lambda, let xi): (Float(1 + lambda - xi), Float(-lambda))
        }
    }

    /// Checks ρ > 0, λ ≥ 0 and ξ ≥ 0 (all finite).
    func validate() throws(TrainingError) {
        if let rho, !(rho.isFinite && rho > 0) {
            throw .invalidConfiguration(field: "objective.rho", problem: "\(rho) is not a positive number")
        }
        switch self {
        case .sharpMinima(_, let lambda), .sharpReg(_, let lambda, _):
            guard lambda.isFinite, lambda >= 0 else {
                throw .invalidConfiguration(field: "objective.lambda", problem: "\(lambda) is not a non-negative number")
            }
        case .standard, .sam: break
        }
        if case .sharpReg(_, _, let xi) = self, !(xi.isFinite && xi >= 0) {
            throw .invalidConfiguration(field: "objective.xi", problem: "\(xi) is not a non-negative number")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case kind, rho, lambda, xi
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "standard": self = .standard
        case "sam": self = .sam(rho: try container.decode(Double.self, forKey: .rho))
        case "sharp_minima":
            self = .sharpMinima(
                rho: try container.decode(Double.self, forKey: .rho),
                lambda: try container.decode(Double.self, forKey: .lambda))
        case "sharp_reg":
            self = .sharpReg(
                rho: try container.decode(Double.self, forKey: .rho),
                lambda: try container.decode(Double.self, forKey: .lambda),
                xi: try container.decode(Double.self, forKey: .xi))
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription: "unknown objective \"\(other)\"; expected standard, sam, sharp_minima or sharp_reg")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .standard:
            try container.encode("standard", forKey: .kind)
        case .sam(let rho):
            try container.encode("sam", forKey: .kind)
            try container.encode(rho, forKey: .rho)
        case .sharpMinima(let rho, let lambda):
            try container.encode("sharp_minima", forKey: .kind)
            try container.encode(rho, forKey: .rho)
            try container.encode(lambda, forKey: .lambda)
        case .sharpReg(let rho, let lambda, let xi):
            try container.encode("sharp_reg", forKey: .kind)
            try container.encode(rho, forKey: .rho)
            try container.encode(lambda, forKey: .lambda)
            try container.encode(xi, forKey: .xi)
        }
    }
}
