import MnemoCore

/// A membership-inference audit of one run of a trial (`mnemo attack`): every asked attack that the
/// stored outputs allow, scored on the target's members against as many of its non-members over
/// ``AttackSplits`` (the SELENA protocol), and the attacks it skipped with what they need.
///
/// ```swift
/// let inputs = try AuditInputs.load(store: store, sweepName: nil, trialIndex: 0, targetIndex: 0)
/// let audit = try MembershipAudit.run(inputs)
/// audit.results.map { ($0.attack, $0.mean.auc) }
/// ```
///
/// The metric attacks choose a threshold per class, the shadow-model attacks one for all classes, each
/// on the split's known half; every attack is evaluated on the same evaluated halves.
public struct MembershipAudit: Sendable, Encodable {
    /// The fewest reference runs LiRA and RMIA accept.
    public static let minimumReferenceRuns = 2

    public var sweep: String
    public var trial: Int
    /// The target's position among the trial's runs, in subset order.
    public var target: Int
    /// The target's subset index.
    public var targetSubset: Int
    /// How many other runs served as reference models.
    public var referenceRuns: Int
    /// How many members, and as many non-members, each split evaluates (the attacker knows as many, or
    /// one fewer).
    public var evaluatedPerSide: Int
    /// The attacks that ran, in the asked order.
    public var results: [AttackResult]
    /// The attacks that did not, with what they need.
    public var skipped: [SkippedAttack]

    enum CodingKeys: String, CodingKey {
        case sweep, trial, target, skipped
        case targetSubset = "target_subset"
        case referenceRuns = "reference_runs"
        case evaluatedPerSide = "evaluated_per_side"
        case results = "attacks"
    }

    /// Runs `attacks` on `inputs` over `splitCount` splits.
    ///
    /// - Throws: ``AttackError/noAttackCanRun(_:)`` when every attack was skipped;
    ///   ``AttackError/tooFewExamples(members:nonMembers:)`` when the target cannot be split.
    public static func run(
        _ inputs: AuditInputs, attacks: [MembershipAttack] = MembershipAttack.allCases, splitCount: Int = AttackSplits.defaultCount
    ) throws(AttackError) -> MembershipAudit {
        let splits = try AttackSplits(isMember: inputs.target.isMember, seed: inputs.seed, count: splitCount)
        var results: [AttackResult] = []
        var skipped: [SkippedAttack] = []
        for attack in attacks {
            switch scores(of: attack, inputs) {
            case .scores(let scores): results.append(evaluate(attack, splits: splits, inputs: inputs) { _, _ in scores })
            case .trained(let features):
                do {
                    results.append(
                        try evaluate(attack, splits: splits, inputs: inputs) { split, index in
                            try NeuralAttack.scores(
                                features: features, classCount: inputs.classCount, isMember: inputs.target.isMember,
                                split: split, splitIndex: index, seed: inputs.seed)
                        })
                } catch {
                    skipped.append(SkippedAttack(attack: attack, needs: "an attack model that trains: \(error)"))
                }
            case .skipped(let skip): skipped.append(skip)
            }
        }
        guard !results.isEmpty else { throw .noAttackCanRun(skipped) }
        return MembershipAudit(
            sweep: inputs.sweep, trial: inputs.trial, target: inputs.targetIndex, targetSubset: inputs.target.subset,
            referenceRuns: inputs.references.count, evaluatedPerSide: splits.evaluatedPerSide, results: results,
            skipped: skipped)
    }

    /// An attack's scores, or why it cannot run.
    enum Scoring {
        case scores([Double])
        /// A model attack: trained per split on these features (the target's sorted probabilities).
        case trained(features: [Float])
        case skipped(SkippedAttack)
    }

    /// Every training example's score under `attack` (higher: member), or why it cannot run.
    static func scores(of attack: MembershipAttack, _ inputs: AuditInputs) -> Scoring {
        if let kind = attack.labelOnlyKind, kind != inputs.labelOnlyKind {
            return .skipped(
                SkippedAttack(
                    attack: attack,
                    needs: kind == .augmentation
                        ? "an image dataset (\(LabelOnlyKind.imageDatasets.sorted().joined(separator: ", ")); here label_only measures feature flips)"
                        : "binary features (label_only measures augmentations on an image dataset)"))
        }
        if attack.trainsPerSplit {
            guard let features = inputs.target.sortedProbabilities else {
                return .skipped(SkippedAttack(attack: attack, needs: "outputs: [probability] or [logits] (its features)"))
            }
            return .trained(features: features)
        }
        let signal = attack.signal!
        guard let target = inputs.target.train[signal] else { return .skipped(SkippedAttack(attack: attack, needs: signal.needs)) }
        switch attack {
        case .correctness, .confidence, .augmentation, .featureFlip: return .scores(target)
        case .loss, .entropy, .modifiedEntropy: return .scores(target.map { -$0 })
        default: break
        }
        let references = inputs.references.compactMap { $0.train[signal] }
        guard references.count >= minimumReferenceRuns, references.count == inputs.references.count else {
            return .skipped(
                SkippedAttack(
                    attack: attack,
                    needs: "at least \(minimumReferenceRuns) reference runs with \(signal.needs) (the trial's other runs: "
                        + "\(inputs.references.count))"))
        }
        let statistics = ReferenceStatistics(values: references, membership: inputs.references.map(\.isMember))
        let variance = LiRA.variance(referenceRuns: references.count)
        switch attack {
        case .liraOffline: return .scores(LiRA.offlineScores(target: target, references: statistics, variance: variance))
        case .liraOnline: return .scores(LiRA.onlineScores(target: target, references: statistics, variance: variance))
        default: break
        }
        guard let population = inputs.target.test[signal], !population.isEmpty else {
            return .skipped(SkippedAttack(attack: attack, needs: "test examples (its population samples z)"))
        }
        let populationReferences = inputs.references.compactMap { $0.test[signal] }
        let populationStatistics = ReferenceStatistics(
            values: populationReferences, membership: populationReferences.map { [Bool](repeating: false, count: $0.count) })
        return .scores(
            RMIA.scores(
                target: target, references: statistics, populationTarget: population, populationReferences: populationStatistics))
    }

    /// The attack's metrics over every split, thresholds chosen on each split's known half; `scoresOf`
    /// gives every training example's score for a split (the same for every split but a model attack's).
    static func evaluate(
        _ attack: MembershipAttack, splits: AttackSplits, inputs: AuditInputs,
        scoresOf: (AttackSplits.Split, Int) throws -> [Double]
    ) rethrows -> AttackResult {
        var metrics: [AttackMetrics] = []
        var first: AttackResult.Evaluation?
        for (index, split) in splits.splits.enumerated() {
            let scores = try scoresOf(split, index)
            let thresholds = MembershipThresholds(
                scores: scores, labels: attack.usesReferenceRuns ? nil : inputs.trainLabels, classCount: inputs.classCount,
                members: split.knownMembers, nonMembers: split.knownNonMembers)
            let indices = split.evaluatedMembers + split.evaluatedNonMembers
            let decisions = indices.map { scores[$0] - thresholds.threshold(forClass: inputs.trainLabels[$0]) }
            let isMember = indices.map { inputs.target.isMember[$0] }
            let (splitMetrics, curve) = AttackMetrics.evaluate(decisionScores: decisions, isMember: isMember)
            metrics.append(splitMetrics)
            if first == nil { first = AttackResult.Evaluation(indices: indices, scores: decisions, isMember: isMember, curve: curve) }
        }
        let (mean, std) = AttackMetrics.summarize(metrics)
        return AttackResult(attack: attack, mean: mean, std: std, splits: metrics.count, firstSplit: first!)
    }
}
