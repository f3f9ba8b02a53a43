import MnemoCore
import MnemoData
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

    /// Noisy images of `shape` (at least 4 × 4) whose class (i mod 4) is the form of a bright
    /// stroke at a random position: a horizontal bar, a vertical bar, a diagonal or a 2 × 2 square.
    /// Translation-invariant, so a CNN with global pooling can learn it.
    static func strokes(count: Int, shape: ImageShape, seed: UInt64) -> LabeledData {
        var rng = CounterRNG(key: seed, stream: 79)
        let forms: [[(Int, Int)]] = [
            [(0, 0), (0, 1), (0, 2), (0, 3)], [(0, 0), (1, 0), (2, 0), (3, 0)],
            [(0, 0), (1, 1), (2, 2), (3, 3)], [(0, 0), (0, 1), (1, 0), (1, 1)],
        ]
        var features: [Float] = []
        for index in 0..<count {
            var image = (0..<shape.count).map { _ in 0.3 * rng.nextUnitFloat() }
            let top = rng.nextIndex(below: shape.height - 3)
            let left = rng.nextIndex(below: shape.width - 3)
            for channel in 0..<shape.channels {
                for (dy, dx) in forms[index % 4] {
                    image[(channel * shape.height + top + dy) * shape.width + left + dx] += 0.7
                }
            }
            features += image
        }
        return LabeledData(
            features: features, labels: (0..<count).map { Int32($0 % 4) }, dimension: shape.count, classCount: 4)
    }
}
