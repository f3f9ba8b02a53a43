import MnemoCore
import MnemoLearn

/// Small generated classification problems for training tests.
enum SyntheticData {
    /// Gaussian blobs: `classes` centres drawn with standard deviation 3, examples at a centre plus
    /// noise of standard deviation `spread`; example i has class i mod `classes`. With a small spread
    /// the classes are linearly separable.
    static func blobs(count: Int, classes: Int, dimension: Int, spread: Float = 0.3, seed: UInt64) -> LabeledData {
        var rng = CounterRNG(key: seed, stream: 77)
        let centres = (0..<(classes * dimension)).map { _ in 3 * rng.nextGaussian() }
        var features: [Float] = []
        for index in 0..<count {
            let label = index % classes
            for axis in 0..<dimension {
                features.append(centres[label * dimension + axis] + spread * rng.nextGaussian())
            }
        }
        return LabeledData(
            features: features, labels: (0..<count).map { Int32($0 % classes) }, dimension: dimension,
            classCount: classes)
    }

    /// Uniform features in [0, 1) with uniformly random labels: nothing to learn but memorization.
    static func noise(count: Int, classes: Int, dimension: Int, seed: UInt64) -> LabeledData {
        var rng = CounterRNG(key: seed, stream: 78)
        let features = (0..<(count * dimension)).map { _ in rng.nextUnitFloat() }
        let labels = (0..<count).map { _ in Int32(rng.nextIndex(below: classes)) }
        return LabeledData(features: features, labels: labels, dimension: dimension, classCount: classes)
    }
}
