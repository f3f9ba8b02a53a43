/// A training objective over a batch of logits and labels.
protocol Loss: Sendable {
    /// The batch's summed loss and correct count; when `gradient` is given, writes into it
    /// ∂(mean loss over the batch)/∂logits.
    func evaluate(
        logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int, classes: Int,
        gradient: UnsafeMutablePointer<Float>?
    ) -> BatchLoss
}

/// What a loss reports about one batch.
struct BatchLoss: Equatable {
    /// Sum of the per-example losses (Double, so a long epoch loses nothing to rounding).
    var sum: Double
    /// Examples whose largest logit (first on ties) is their label.
    var correct: Int
}
