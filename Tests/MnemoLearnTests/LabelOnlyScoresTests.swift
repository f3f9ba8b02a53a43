import Foundation
import MnemoCore
import MnemoData
import MnemoLinalg
import Testing

@testable import MnemoLearn

/// The label-only signals the engine stores as `label_only`, recomputed here from their definitions
/// (`LabelOnlyKind`): copies or flipped examples built value by value in the test and classified by
/// `evaluate`, the engine's ordinary path.
@Suite struct LabelOnlyScoresTests {
    init() {
        BLAS.setThreads(1)
    }

    static let shape = ImageShape(channels: 1, height: 8, width: 8)

    @Test func augmentationIsTheShareOfTheImagesShiftedAndMirroredCopiesClassifiedRight() throws {
        let images = SyntheticData.strokes(count: 48, shape: Self.shape, seed: 6)
        let model = try Trainer(config: TrainingConfig(hiddenSizes: [32], learningRate: 0.1, batchSize: 8, maxEpochs: 15))
            .train(seed: 1, data: images, subset: Array(0..<32))
        let scores = model.labelOnlyScores(images, probe: .augmentation(Self.shape))
        let side = Self.shape.width
        for example in 0..<images.count {
            var copies: [Float] = []
            for dy in -4...4 {
                for dx in -4...4 {
                    for mirrored in [false, true] {
                        for y in 0..<side {
                            for x in 0..<side {
                                let (sourceY, sourceX) = (y + dy, (mirrored ? side - 1 - x : x) + dx)
                                let inside = (0..<side).contains(sourceY) && (0..<side).contains(sourceX)
                                copies.append(inside ? images.features[example * side * side + sourceY * side + sourceX] : 0)
                            }
                        }
                    }
                }
            }
            let batch = LabeledData(
                features: copies, labels: [Int32](repeating: images.labels[example], count: 162), dimension: side * side,
                classCount: images.classCount)
            #expect(scores[example] == Float(model.evaluate(batch).correctCount) / 162, "example \(example)")
        }
        #expect(Set(scores).count > 5, "the scores spread: \(Set(scores).sorted())")
    }

    /// Four classes of 24 binary features: each example its class's pattern with a fifth of the bits
    /// flipped at random.
    static func binaryPatterns(count: Int) -> LabeledData {
        var rng = CounterRNG(key: 11, stream: 1)
        let patterns = (0..<4).map { _ in (0..<24).map { _ in Float(rng.next() & 1) } }
        var features: [Float] = []
        var labels: [Int32] = []
        for example in 0..<count {
            let label = example % 4
            features += patterns[label].map { rng.nextUnitFloat() < 0.2 ? 1 - $0 : $0 }
            labels.append(Int32(label))
        }
        return LabeledData(features: features, labels: labels, dimension: 24, classCount: 4)
    }

    @Test func featureFlipFindsAFlipCountAtWhichThePredictionTurnsWrongAlongEachOrder() throws {
        let data = Self.binaryPatterns(count: 120)
        let model = try Trainer(config: TrainingConfig(hiddenSizes: [16], learningRate: 0.1, batchSize: 8, maxEpochs: 20))
            .train(seed: 2, data: data, subset: Array(0..<60))
        let scores = model.labelOnlyScores(data, probe: .featureFlip)
        let counts = model.featureFlipCounts(data)
        let d = data.dimension
        /// Whether the model is right on `example` with the first `count` features of `order` flipped.
        func right(_ example: Int, _ order: [Int], flipped count: Int) -> Bool {
            var row = Array(data.features[example * d..<(example + 1) * d])
            for feature in order.prefix(count) { row[feature] = 1 - row[feature] }
            return model.evaluate(LabeledData(features: row, labels: [data.labels[example]], dimension: d, classCount: 4)).correct[0]
        }
        var crossings = 0
        for example in 0..<data.count {
            #expect(counts[example].count == LabelOnlyKind.flipOrders)
            let mean = counts[example].reduce(0) { $0 + Float($1) / Float(d + 1) } / Float(LabelOnlyKind.flipOrders)
            #expect(abs(scores[example] - mean) < 1e-6, "the score is the mean count over d + 1")
            var rng = CounterRNG(key: LabelOnlyKind.flipOrderKey, stream: UInt64(example))
            for count in counts[example] {
                let order = rng.permutation(of: d)
                switch count {
                case 0: #expect(!right(example, order, flipped: 0), "distance 0 only for an example already wrong")
                case d + 1: #expect(right(example, order, flipped: 0) && right(example, order, flipped: d), "right up to all \(d) flips")
                default:
                    #expect(right(example, order, flipped: count - 1) && !right(example, order, flipped: count), "example \(example): \(count)")
                    crossings += 1
                }
            }
        }
        #expect(crossings > 400, "most searches end at a crossing: \(crossings) of \(8 * data.count)")
        #expect(Set(scores).count > 20, "the distances spread: \(Set(scores).sorted())")
    }
}
