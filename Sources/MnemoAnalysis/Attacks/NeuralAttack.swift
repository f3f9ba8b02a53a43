import MnemoCore
import MnemoData
import MnemoLearn

/// The NN attack (Shokri et al. 2017, as the SAM paper runs it): for each split, an MLP with one hidden
/// layer of 64 units, trained by the built-in engine on the known members' and non-members' sorted
/// probability vectors; every example's score is the model's probability that it is a member.
/// Deterministic: the model's seed is drawn from the sweep's seed and the split.
enum NeuralAttack {
    /// The attack model's training: small, enough to fit a few thousand vectors.
    static let config = TrainingConfig(hiddenSizes: [64], learningRate: 0.05, batchSize: 64, maxEpochs: 40)

    /// Scores of every training example for `split`.
    ///
    /// - Parameters:
    ///   - features: the target's sorted probability vectors, `isMember.count × classCount`.
    ///   - seed: the sweep's seed.
    /// - Throws: ``TrainingError`` when the attack model cannot be trained.
    static func scores(
        features: [Float], classCount: Int, isMember: [Bool], split: AttackSplits.Split, splitIndex: Int, seed: UInt64
    ) throws -> [Double] {
        let data = LabeledData(
            features: features, labels: isMember.map { $0 ? 1 : 0 }, dimension: classCount, classCount: 2)
        let known = (split.knownMembers + split.knownNonMembers).sorted()
        let modelSeed = CounterRNG.value(key: seed, stream: RandomStream.membershipAuditBase, counter: UInt64(1 << 40 + splitIndex))
        let model = try Trainer(config: config).train(seed: modelSeed, data: data, subset: known)
        // Labelled "member" throughout, the evaluation's probability of the label is P(member).
        let asked = LabeledData(
            features: features, labels: [Int32](repeating: 1, count: isMember.count), dimension: classCount, classCount: 2)
        return model.evaluate(asked).probabilities.map(Double.init)
    }
}
