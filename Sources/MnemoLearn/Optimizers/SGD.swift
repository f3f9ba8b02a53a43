/// Stochastic gradient descent with momentum, Nesterov's variant and L2 weight decay, with
/// PyTorch's `torch.optim.SGD` semantics (dampening 0):
///
///     g ← g + λ·w;   v ← μ·v + g;   w ← w − η·(g + μ·v)  (Nesterov)  or  w ← w − η·v
///
/// With μ = 0 the velocity equals the gradient, which is plain SGD.
final class SGD: Optimizer {
    /// η.
    var learningRate: Float
    /// μ.
    let momentum: Float
    /// Whether to step along `g + μ·v` instead of `v`.
    let nesterov: Bool
    /// λ, added to the gradient as `λ·w`.
    let weightDecay: Float
    private let velocity: FloatBuffer

    init(parameterCount: Int, learningRate: Float, momentum: Float, nesterov: Bool, weightDecay: Float) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        velocity = FloatBuffer(count: parameterCount)
    }

    func step(parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafeMutablePointer<Float>, count: Int) {
        precondition(count == velocity.count, "optimizer state is for \(velocity.count) parameters, not \(count)")
        let v = velocity.pointer
        let (eta, mu, lambda) = (learningRate, momentum, weightDecay)
        // λ·w is added in the same pass even when λ = 0: for finite w, g + 0·w == g exactly.
        if nesterov {
            for index in 0..<count {
                let gradient = g[index] + lambda * w[index]
                let velocity = mu * v[index] + gradient
                v[index] = velocity
                w[index] -= eta * (gradient + mu * velocity)
            }
        } else {
            for index in 0..<count {
                let gradient = g[index] + lambda * w[index]
                let velocity = mu * v[index] + gradient
                v[index] = velocity
                w[index] -= eta * velocity
            }
        }
    }
}
