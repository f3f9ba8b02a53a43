import MnemoCore

/// The random streams of one training run, all under the run's seed as key, so that purposes never
/// share draws. Epoch-indexed streams assume fewer than 2²⁴ epochs, which ``TrainingConfig/validate()``
/// enforces.
enum TrainingStream {
    /// Initial weights.
    static let initialization = RandomStream.trainingBase
    /// The batch order of `epoch` (from 1); the engine's original streams, kept for determinism.
    static func shuffle(epoch: Int) -> UInt64 { RandomStream.trainingBase &+ UInt64(epoch) }
    /// Which subset examples are held out for validation.
    static let validation = RandomStream.trainingBase &+ 0x0100_0000
    /// The image augmentation of `epoch`.
    static func augmentation(epoch: Int) -> UInt64 { RandomStream.trainingBase &+ 0x0200_0000 &+ UInt64(epoch) }
    /// The member and non-member samples of PAST tuning epoch `epoch`.
    static func sparsitySample(epoch: Int) -> UInt64 { RandomStream.trainingBase &+ 0x0300_0000 &+ UInt64(epoch) }
    /// The largest epoch number the streams keep apart.
    static let epochLimit = 0x00FF_FFFF
}
