/// Updates a model's flat parameter vector from its gradient, keeping whatever state it needs.
protocol Optimizer: AnyObject {
    /// The step size of the next updates; the trainer sets it at the start of every epoch.
    var learningRate: Float { get set }

    /// Applies one update to `count` parameters given their gradients (which it may overwrite).
    func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>, count: Int)
}
