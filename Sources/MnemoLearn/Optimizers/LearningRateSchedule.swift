import Foundation

/// How the learning rate changes from epoch to epoch (it is constant within an epoch), with
/// PyTorch's `MultiStepLR` and `CosineAnnealingLR` semantics.
///
/// Encoded as `{"kind": "constant"}`, `{"kind": "multi_step", "milestones": [60, 120, 160],
/// "factor": 0.2}` or `{"kind": "cosine"}`.
public enum LearningRateSchedule: Codable, Sendable, Hashable {
    /// η in every epoch.
    case constant
    /// η · factor^k in epoch e (from 1), where k counts the milestones m with m < e: with
    /// milestones [60, 120] epochs 1–60 use η, 61–120 use η·factor, later epochs η·factor².
    case multiStep(milestones: [Int], factor: Double)
    /// η · (1 + cos(π (e − 1) / T)) / 2 in epoch e (from 1) of T = `maxEpochs`, annealing to 0.
    case cosine

    /// The papers' CIFAR schedule: ×0.2 at epochs 60, 120 and 160.
    public static let papers = LearningRateSchedule.multiStep(milestones: [60, 120, 160], factor: 0.2)

    /// The rate of `epoch` (from 1) for base rate `base` in a run of `totalEpochs`.
    public func rate(epoch: Int, base: Double, totalEpochs: Int) -> Double {
        switch self {
        case .constant:
            return base
        case .multiStep(let milestones, let factor):
            let passed = milestones.count(where: { $0 < epoch })
            return base * Foundation.pow(factor, Double(passed))
        case .cosine:
            let progress = Double(epoch - 1) / Double(max(totalEpochs, 1))
            return base * (1 + Foundation.cos(Double.pi * progress)) / 2
        }
    }

    /// Checks the milestones (positive, strictly increasing) and the factor (in (0, 1]).
    func validate() throws(TrainingError) {
        guard case .multiStep(let milestones, let factor) = self else { return }
        guard let first = milestones.first, first >= 1,
            zip(milestones, milestones.dropFirst()).allSatisfy({ $0 < $1 })
        else {
            throw .invalidConfiguration(
                field: "schedule.milestones", problem: "\(milestones) is not a strictly increasing list of epochs ≥ 1")
        }
        guard factor > 0, factor <= 1 else {
            throw .invalidConfiguration(field: "schedule.factor", problem: "\(factor) is outside (0, 1]")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case kind, milestones, factor
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "constant": self = .constant
        case "cosine": self = .cosine
        case "multi_step":
            self = .multiStep(
                milestones: try container.decode([Int].self, forKey: .milestones),
                factor: try container.decodeIfPresent(Double.self, forKey: .factor) ?? 0.2)
        case let other:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription: "unknown schedule \"\(other)\"; expected constant, multi_step or cosine")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .constant: try container.encode("constant", forKey: .kind)
        case .cosine: try container.encode("cosine", forKey: .kind)
        case .multiStep(let milestones, let factor):
            try container.encode("multi_step", forKey: .kind)
            try container.encode(milestones, forKey: .milestones)
            try container.encode(factor, forKey: .factor)
        }
    }
}
