import MnemoCore
import MnemoData

/// How the label-only signal of an example is measured (see ``LabelOnlyKind``): by the queries of the
/// augmentation attack on images of a shape, or by flipping binary features.
public enum LabelOnlyProbe: Sendable, Equatable {
    case augmentation(ImageShape)
    case featureFlip
}

extension TrainedModel {
    /// Every example's label-only signal under `probe`, each in [0, 1], higher meaning more robust: the
    /// fraction of its augmented copies classified right, or the fraction of its features flipped when
    /// the prediction first turns wrong.
    public func labelOnlyScores(_ data: LabeledData, probe: LabelOnlyProbe) -> [Float] {
        precondition(data.dimension == model.inputWidth, "data has \(data.dimension) features, the model \(model.inputWidth)")
        guard data.count > 0 else { return [] }
        switch probe {
        case .augmentation(let shape):
            precondition(shape.count == data.dimension, "\(shape) images do not hold \(data.dimension) features")
            return augmentationScores(data, shape: shape)
        case .featureFlip:
            return featureFlipScores(data)
        }
    }

    /// The predicted class of each of the `batch` rows the workspace's input holds.
    private func predictions(batch: Int, workspace: Workspace) -> [Int] {
        let classes = model.outputWidth
        let logits = parameters.withUnsafeBufferPointer { parameters in
            model.forward(UnsafePointer(workspace.input.pointer), batch: batch, parameters: parameters.baseAddress!, workspace: workspace)
        }
        return (0..<batch).map { row in
            let z = logits + row &* classes
            var predicted = 0
            for column in 1..<max(classes, 1) where z[column] > z[predicted] { predicted = column }
            return predicted
        }
    }

    private func augmentationScores(_ data: LabeledData, shape: ImageShape) -> [Float] {
        let shift = LabelOnlyKind.maximumShift
        let queries = LabelOnlyKind.augmentationQueries
        let workspace = Workspace(model: model, capacity: queries, training: false)
        var scores = [Float](repeating: 0, count: data.count)
        data.features.withUnsafeBufferPointer { features in
            for example in 0..<data.count {
                let image = features.baseAddress! + example &* data.dimension
                var row = 0
                for dy in -shift...shift {
                    for dx in -shift...shift {
                        for mirrored in [false, true] {
                            ImageAugmenter.transform(
                                image, into: workspace.input.pointer + row &* data.dimension, shape: shape, dy: dy, dx: dx,
                                mirrored: mirrored)
                            row += 1
                        }
                    }
                }
                let label = Int(data.labels[example])
                let right = predictions(batch: queries, workspace: workspace).reduce(0) { $0 + ($1 == label ? 1 : 0) }
                scores[example] = Float(right) / Float(queries)
            }
        }
        return scores
    }

    /// One search for the flip count at which an example's prediction turns wrong along one order:
    /// `right` flips are known to keep it right, `wrong` (once found) to turn it wrong.
    private struct FlipSearch {
        let example: Int
        let order: [Int]
        var right = 0
        var wrong: Int?
        /// The count to query next, or nil when the search is over.
        func next(features: Int) -> Int? {
            guard let wrong else { return right >= features ? nil : min(max(1, 2 * right), features) }
            return wrong - right > 1 ? (right + wrong) / 2 : nil
        }
    }

    /// Each example's mean over ``LabelOnlyKind/flipOrders`` orders of its flip count over d + 1.
    private func featureFlipScores(_ data: LabeledData) -> [Float] {
        let orders = Float(LabelOnlyKind.flipOrders)
        let scale = Float(data.dimension + 1)
        return featureFlipCounts(data).map { counts in counts.reduce(0) { $0 + Float($1) / scale } / orders }
    }

    /// For each example and each of its ``LabelOnlyKind/flipOrders`` orders (drawn one after another
    /// from the example's stream), the number of flips along the order at which the prediction turns
    /// wrong: 0 when it is wrong already, d + 1 when it never is.
    func featureFlipCounts(_ data: LabeledData) -> [[Int]] {
        let dimension = data.dimension
        let orders = LabelOnlyKind.flipOrders
        let workspace = Workspace(model: model, capacity: Self.evaluationBatch, training: false)
        var counts = [[Int]](repeating: [], count: data.count)
        data.features.withUnsafeBufferPointer { features in
            for start in stride(from: 0, to: data.count, by: Self.evaluationBatch / orders) {
                var searches = (start..<min(start + Self.evaluationBatch / orders, data.count)).flatMap { example in
                    var rng = CounterRNG(key: LabelOnlyKind.flipOrderKey, stream: UInt64(example))
                    return (0..<orders).map { _ in FlipSearch(example: example, order: rng.permutation(of: dimension), wrong: nil) }
                }
                // Count 0 first: an example already misclassified is at distance 0.
                var queried = searches.indices.map { ($0, 0) }
                while !queried.isEmpty {
                    for (row, (search, count)) in queried.enumerated() {
                        let target = workspace.input.pointer + row &* dimension
                        target.update(from: features.baseAddress! + searches[search].example &* dimension, count: dimension)
                        for feature in searches[search].order.prefix(count) { target[feature] = 1 - target[feature] }
                    }
                    let predicted = predictions(batch: queried.count, workspace: workspace)
                    for (row, (search, count)) in queried.enumerated() {
                        if predicted[row] == Int(data.labels[searches[search].example]) {
                            searches[search].right = count
                        } else {
                            searches[search].wrong = count
                        }
                    }
                    queried = searches.indices.compactMap { index in
                        // A search wrong at count 0 is done; so is one whose bracket closed.
                        searches[index].wrong == 0 ? nil : searches[index].next(features: dimension).map { (index, $0) }
                    }
                }
                for search in searches { counts[search.example].append(search.wrong ?? dimension + 1) }
            }
        }
        return counts
    }
}
