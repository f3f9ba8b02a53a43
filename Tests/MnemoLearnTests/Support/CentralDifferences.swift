/// Compares an analytic gradient with Float central differences of `loss`, parameter by parameter.
///
/// - Returns: the relative error ‖analytic − numeric‖ / ‖numeric‖ and ‖numeric‖ (which must not be 0
///   for the comparison to mean anything).
func centralDifferenceError(
    parameters: [Float], analytic: [Float], step: Float = 1e-3, loss: ([Float]) -> Double
) -> (relativeError: Double, numericNorm: Double) {
    var difference = 0.0
    var norm = 0.0
    for index in parameters.indices {
        var plus = parameters
        plus[index] += step
        var minus = parameters
        minus[index] -= step
        let numeric = (loss(plus) - loss(minus)) / Double(plus[index] - minus[index])
        difference += (Double(analytic[index]) - numeric) * (Double(analytic[index]) - numeric)
        norm += numeric * numeric
    }
    return ((difference / norm).squareRoot(), norm.squareRoot())
}
