/// Stochastic weight averaging's running mean of weight snapshots, updated as PyTorch's
/// `AveragedModel` does: `w̄ ← w̄ + (w − w̄)/(n + 1)` after n snapshots (the first is copied).
final class WeightAverage {
    /// The mean of the snapshots so far.
    let average: FloatBuffer
    /// How many snapshots the mean holds.
    private(set) var snapshots = 0

    init(parameterCount: Int) {
        average = FloatBuffer(count: parameterCount)
    }

    /// Adds the snapshot `parameters` to the mean.
    func add(_ parameters: UnsafePointer<Float>) {
        let (mean, count) = (average.pointer, average.count)
        if snapshots == 0 {
            mean.update(from: parameters, count: count)
        } else {
            let divisor = Float(snapshots + 1)
            for index in 0..<count { mean[index] += (parameters[index] - mean[index]) / divisor }
        }
        snapshots += 1
    }
}
