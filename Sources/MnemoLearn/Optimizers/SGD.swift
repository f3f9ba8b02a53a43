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

    /// One pass over the parameters, eight at a time (the same operations as one at a time, so the
    /// result does not depend on the vector width).
    func step(parameters w: UnsafeMutablePointer<Float>, gradients g: UnsafeMutablePointer<Float>, count: Int) {
        precondition(count == velocity.count, "optimizer state is for \(velocity.count) parameters, not \(count)")
        let v = velocity.pointer
        let (eta, mu, lambda) = (Vector(repeating: learningRate), Vector(repeating: momentum), Vector(repeating: weightDecay))
        let vectorized = count - count % Vector.scalarCount
        // λ·w is added in the same pass even when λ = 0: for finite w, g + 0·w == g exactly.
        if nesterov {
            for index in stride(from: 0, to: vectorized, by: Vector.scalarCount) {
                let weights = Self.load(w + index)
                let gradient = Self.load(g + index) + lambda * weights
                let velocity = mu * Self.load(v + index) + gradient
                Self.store(velocity, to: v + index)
                Self.store(weights - eta * (gradient + mu * velocity), to: w + index)
            }
            for index in vectorized..<count {
                let gradient = g[index] + weightDecay * w[index]
                let velocity = momentum * v[index] + gradient
                v[index] = velocity
                w[index] -= learningRate * (gradient + momentum * velocity)
            }
        } else {
            for index in stride(from: 0, to: vectorized, by: Vector.scalarCount) {
                let weights = Self.load(w + index)
                let gradient = Self.load(g + index) + lambda * weights
                let velocity = mu * Self.load(v + index) + gradient
                Self.store(velocity, to: v + index)
                Self.store(weights - eta * velocity, to: w + index)
            }
            for index in vectorized..<count {
                let gradient = g[index] + weightDecay * w[index]
                let velocity = momentum * v[index] + gradient
                v[index] = velocity
                w[index] -= learningRate * velocity
            }
        }
    }

    private typealias Vector = SIMD8<Float>

    @inline(__always)
    private static func load(_ pointer: UnsafeMutablePointer<Float>) -> Vector {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    private static func store(_ value: Vector, to pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vector.self)
    }
}
