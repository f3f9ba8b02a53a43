/// A training objective over a batch of logits and labels.
protocol Loss: Sendable {
    /// The batch's summed loss and correct count; when `gradient` is given, writes into it
    /// ∂(mean loss over the batch)/∂logits.
    func evaluate(
        logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int, classes: Int,
        gradient: UnsafeMutablePointer<Float>?
    ) -> BatchLoss
}
