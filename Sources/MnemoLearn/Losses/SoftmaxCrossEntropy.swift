import Foundation

/// `−log softmax(z)[y]`, computed as `log Σ exp(z − max z) + max z − z[y]` so no exponent overflows.
struct SoftmaxCrossEntropy: Loss {
    func evaluate(
        logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, batch: Int, classes: Int,
        gradient: UnsafeMutablePointer<Float>?
    ) -> BatchLoss {
        var result = BatchLoss(sum: 0, correct: 0)
        let scale = 1 / Float(batch)
        for row in 0..<batch {
            let z = logits + row &* classes
            let label = Int(labels[row])
            var largest = z[0]
            var predicted = 0
            for column in 1..<max(classes, 1) where z[column] > largest {
                largest = z[column]
                predicted = column
            }
            var total: Float = 0
            if let gradient {
                // Each exponential is computed once: kept in the gradient row, then scaled.
                let g = gradient + row &* classes
                for column in 0..<classes {
                    g[column] = Foundation.exp(z[column] - largest)
                    total += g[column]
                }
                let normalizer = scale / total
                for column in 0..<classes { g[column] *= normalizer }
                g[label] -= scale
            } else {
                for column in 0..<classes { total += Foundation.exp(z[column] - largest) }
            }
            result.sum += Double(Foundation.log(total) + largest - z[label])
            if predicted == label { result.correct += 1 }
        }
        return result
    }
}
