/// Weight penalties added to the objective: `Σᵢ (l1 + cᵢ)·|wᵢ| + l2·Σᵢ wᵢ²` over every parameter
/// (biases included), where the per-parameter weights cᵢ are PAST's `λ·γᵢ^α` once tuning starts
/// (zero before); with ``adaptiveSquared`` (PAST's `norm: l2`) they weigh `wᵢ²` instead of `|wᵢ|`.
/// The subgradient of |w| at 0 is taken as 0, as PyTorch's `abs` does.
final class Penalty {
    let l1: Float
    let l2: Float
    /// The per-parameter L1 weights cᵢ; empty when the run has no PAST tuning.
    let adaptive: FloatBuffer
    /// Whether `adaptive` holds weights (set by PAST tuning).
    var adaptiveActive = false
    /// Whether the adaptive weights multiply `wᵢ²` rather than `|wᵢ|`.
    var adaptiveSquared = false

    init(l1: Float, l2: Float, parameterCount: Int, adaptive: Bool) {
        self.l1 = l1
        self.l2 = l2
        self.adaptive = FloatBuffer(count: adaptive ? parameterCount : 0)
    }

    /// Whether the penalty is zero everywhere (so steps can skip it).
    var isZero: Bool { l1 == 0 && l2 == 0 && !adaptiveActive }

    /// Adds the penalty's gradient at `parameters` to `gradients`.
    func addGradient(parameters w: UnsafePointer<Float>, gradients g: UnsafeMutablePointer<Float>, count: Int) {
        let twiceL2 = 2 * l2
        if adaptiveActive {
            let c = adaptive.pointer
            if adaptiveSquared {
                for index in 0..<count {
                    let sign: Float = w[index] > 0 ? 1 : (w[index] < 0 ? -1 : 0)
                    g[index] += l1 * sign + (twiceL2 + 2 * c[index]) * w[index]
                }
                return
            }
            for index in 0..<count {
                let sign: Float = w[index] > 0 ? 1 : (w[index] < 0 ? -1 : 0)
                g[index] += (l1 + c[index]) * sign + twiceL2 * w[index]
            }
        } else {
            for index in 0..<count {
                let sign: Float = w[index] > 0 ? 1 : (w[index] < 0 ? -1 : 0)
                g[index] += l1 * sign + twiceL2 * w[index]
            }
        }
    }
}
