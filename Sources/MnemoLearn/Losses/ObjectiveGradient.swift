/// Computes an ``Objective``'s step direction on one gathered batch; owns the two buffers the
/// sharpness-aware objectives need (w + ε and ∇L(w + ε)), allocated once per run.
final class ObjectiveGradient {
    let model: Sequential
    let objective: Objective
    private let loss: any Loss = SoftmaxCrossEntropy()
    /// w + ε of the last batch, the point where the second gradient was taken (empty for the
    /// standard objective).
    let perturbed: FloatBuffer
    private let perturbedGradient: FloatBuffer

    init(model: Sequential, objective: Objective) {
        self.model = model
        self.objective = objective
        let count = objective.rho == nil ? 0 : model.parameterCount
        perturbed = FloatBuffer(count: count)
        perturbedGradient = FloatBuffer(count: count)
    }

    /// Writes the step direction `a·∇L(w) + b·∇L(w + ε)` for the batch gathered in `workspace`
    /// into `gradients`, with `ε = ρ·∇L(w)/‖∇L(w)‖`, and returns the batch loss at w.
    ///
    /// When a loss (at w or at w + ε) is not finite it returns at once with that sum, and
    /// `gradients` is not meaningful.
    func compute(
        batch: Int, classes: Int, workspace: Workspace, parameters: UnsafePointer<Float>,
        gradients: UnsafeMutablePointer<Float>
    ) -> BatchLoss {
        let input = UnsafePointer(workspace.input.pointer)
        let logitGradient = workspace.gradients[workspace.gradients.count - 1].pointer
        let logits = model.forward(input, batch: batch, parameters: parameters, workspace: workspace)
        let result = loss.evaluate(
            logits: logits, labels: workspace.labels, batch: batch, classes: classes, gradient: logitGradient)
        guard result.sum.isFinite else { return result }
        model.backward(input, batch: batch, parameters: parameters, gradients: gradients, workspace: workspace)
        guard let rho = objective.rho else { return result }

        let count = model.parameterCount
        var squares = 0.0
        for index in 0..<count { squares += Double(gradients[index]) * Double(gradients[index]) }
        let scale = Float(rho / (squares.squareRoot() + 1e-12))
        let shifted = perturbed.pointer
        for index in 0..<count { shifted[index] = parameters[index] + scale * gradients[index] }
        let perturbedLogits = model.forward(input, batch: batch, parameters: shifted, workspace: workspace)
        let second = loss.evaluate(
            logits: perturbedLogits, labels: workspace.labels, batch: batch, classes: classes, gradient: logitGradient)
        guard second.sum.isFinite else { return BatchLoss(sum: second.sum, correct: result.correct) }
        let g2 = perturbedGradient.pointer
        model.backward(input, batch: batch, parameters: shifted, gradients: g2, workspace: workspace)
        let (a, b) = objective.coefficients
        if a == 0 {
            for index in 0..<count { gradients[index] = b * g2[index] }
        } else {
            for index in 0..<count { gradients[index] = a * gradients[index] + b * g2[index] }
        }
        return result
    }
}
