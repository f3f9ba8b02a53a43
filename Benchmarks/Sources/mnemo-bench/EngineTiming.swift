import MnemoData
import MnemoLearn

/// Training epochs of the built-in engine, timed through its public `Trainer`.
///
/// A run of 1 + k epochs minus a run of 1 epoch, divided by k: the difference cancels what is paid
/// once per run (weight initialisation, the final accuracy pass), leaving the epochs themselves.
struct EngineTiming {
    let model: BenchmarkModel
    let data: LabeledData
    let examples: Int
    let batchSize: Int
    let epochs: Int

    /// Seconds per training epoch.
    func epochSeconds() throws -> Double {
        let subset = Array(0..<examples)
        func run(_ epochCount: Int) throws -> Double {
            let trainer = try Trainer(config: model.config(batchSize: batchSize, epochs: epochCount))
            let clock = ContinuousClock()
            let start = clock.now
            _ = try trainer.train(seed: 1, data: data, subset: subset)
            return (clock.now - start).seconds
        }
        let single = try run(1)
        return max(try run(1 + epochs) - single, 0) / Double(epochs)
    }
}
