/// What a loss reports about one batch.
struct BatchLoss: Equatable {
    /// Sum of the per-example losses (Double, so a long epoch loses nothing to rounding).
    var sum: Double
    /// Examples whose largest logit (first on ties) is their label.
    var correct: Int
}
