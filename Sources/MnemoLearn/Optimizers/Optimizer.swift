/// Updates a model's flat parameter vector from its gradient, keeping whatever state it needs.
protocol Optimizer: AnyObject {
    /// Applies one update to `count` parameters given their gradients (which it may overwrite).
    func step(parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>, count: Int)
}
