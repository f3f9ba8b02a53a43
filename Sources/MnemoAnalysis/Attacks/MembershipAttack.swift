import Foundation
import MnemoCore

/// The membership-inference attacks `mnemo attack` knows, by their names on the command line and in
/// JSON. Each gives every training example a score, higher meaning "more likely a member".
///
/// - Single-query metric attacks (Song & Mittal 2021, "Systematic Evaluation of Privacy Risks of
///   Machine Learning Models"; Yeom et al. 2018 for correctness and loss): the target's own outputs,
///   with a threshold per class chosen on the attacker's known half.
/// - Shadow-model attacks reusing the trial's other runs as reference models: LiRA (Carlini et al.
///   2022, "Membership Inference Attacks From First Principles") and RMIA (Zarifzadeh et al. 2024,
///   "Low-Cost High-Power Membership Inference Attacks"), with one threshold for all classes.
/// - A model attack (Shokri et al. 2017, as the SAM paper runs it): an MLP trained on the attacker's
///   known half to tell members from the target's sorted probability vectors.
/// - Label-only attacks (Choquette-Choo et al. 2021), from the runs' `label_only` output: `augmentation`
///   on image datasets, `feature_flip` on binary features (``LabelOnlyKind``), with a threshold per
///   class like the metric attacks.
public enum MembershipAttack: String, CaseIterable, Sendable, Codable {
    /// Member when the prediction is right.
    case correctness
    /// The label's probability, `p_y`.
    case confidence
    /// Minus the entropy of the prediction.
    case entropy
    /// Minus Song & Mittal's modified entropy.
    case modifiedEntropy = "modified_entropy"
    /// Minus the label's cross-entropy.
    case loss
    /// LiRA offline: how far above the example's OUT reference distribution the target's statistic lies.
    case liraOffline = "lira_offline"
    /// LiRA online: the likelihood ratio of the example's IN and OUT reference distributions.
    case liraOnline = "lira_online"
    /// RMIA offline: how often the target's likelihood ratio of the example beats a population sample's.
    case rmia
    /// A neural-network attack model trained on each split's known half (Shokri et al. 2017).
    case nn
    /// The label-only data-augmentation attack: member when many augmented copies are classified right.
    case augmentation
    /// The label-only feature-flip attack: member when many feature flips are needed to change the label.
    case featureFlip = "feature_flip"

    /// The signal the attack reads, or nil for the NN attack (which reads sorted probability vectors).
    public var signal: MembershipSignal? {
        switch self {
        case .correctness: .correctness
        case .confidence, .rmia: .confidence
        case .entropy: .entropy
        case .modifiedEntropy: .modifiedEntropy
        case .loss: .loss
        case .liraOffline, .liraOnline: .scaledLogit
        case .augmentation, .featureFlip: .labelOnly
        case .nn: nil
        }
    }

    /// Whether the attack trains a model on each split's known half (its scores differ per split).
    public var trainsPerSplit: Bool { self == .nn }

    /// Whether the attack reads the trial's other runs as reference (shadow) models.
    public var usesReferenceRuns: Bool { [.liraOffline, .liraOnline, .rmia].contains(self) }

    /// The label-only measurement the attack reads, or nil for an attack that is not label-only.
    public var labelOnlyKind: LabelOnlyKind? {
        switch self {
        case .augmentation: .augmentation
        case .featureFlip: .featureFlip
        default: nil
        }
    }

    /// The attacks of a comma-separated list (`loss,lira_online`), in the list's order, each once.
    ///
    /// - Throws: ``AttackError/unknownAttack(_:)`` naming the known attacks.
    public static func parse(list: String) throws(AttackError) -> [MembershipAttack] {
        var attacks: [MembershipAttack] = []
        for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let attack = MembershipAttack(rawValue: name) else { throw .unknownAttack(name) }
            if !attacks.contains(attack) { attacks.append(attack) }
        }
        guard !attacks.isEmpty else { throw .unknownAttack(list) }
        return attacks
    }
}
