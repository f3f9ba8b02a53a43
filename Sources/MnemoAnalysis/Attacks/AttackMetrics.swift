import MnemoCore

/// How well an attack told members from non-members on one evaluation set, for the rule "member when
/// the decision score is at least 0" (the score minus the threshold the attacker chose on its known
/// half, per class for the metric attacks: the ROC is drawn over these shifted scores).
public struct AttackMetrics: Sendable, Equatable {
    /// The ROC AUC.
    public var auc: Double
    /// TPR − FPR at the chosen threshold (the membership advantage of Yeom et al. 2018).
    public var advantage: Double
    /// The TPR at 0.1% FPR: at no false positive with fewer than 1,000 evaluated non-members.
    public var tprAtPointOnePercentFPR: Double
    /// The TPR at 1% FPR: at no false positive with fewer than 100 evaluated non-members.
    public var tprAtOnePercentFPR: Double
    /// The fraction predicted right at the chosen threshold (the evaluation set is balanced).
    public var accuracy: Double

    public init(auc: Double, advantage: Double, tprAtPointOnePercentFPR: Double, tprAtOnePercentFPR: Double, accuracy: Double) {
        self.auc = auc
        self.advantage = advantage
        self.tprAtPointOnePercentFPR = tprAtPointOnePercentFPR
        self.tprAtOnePercentFPR = tprAtOnePercentFPR
        self.accuracy = accuracy
    }

    /// Every metric with its name in JSON, in the order reports show them.
    public static var fields: [(name: String, title: String, path: WritableKeyPath<AttackMetrics, Double>)] {
        [
            ("auc", "AUC", \.auc), ("advantage", "advantage", \.advantage),
            ("tpr_at_0.1%_fpr", "TPR@0.1%FPR", \.tprAtPointOnePercentFPR), ("tpr_at_1%_fpr", "TPR@1%FPR", \.tprAtOnePercentFPR),
            ("accuracy", "accuracy", \.accuracy),
        ]
    }

    /// The metrics of `decisionScores` (member when ≥ 0) against the truth `isMember`, and their ROC.
    public static func evaluate(decisionScores: [Double], isMember: [Bool]) -> (metrics: AttackMetrics, curve: ROCCurve) {
        let curve = ROCCurve(scores: decisionScores, labels: isMember)
        let predicted = decisionScores.map { $0 >= 0 }
        let members = isMember.count { $0 }
        let nonMembers = isMember.count - members
        let truePositives = zip(predicted, isMember).count { $0 && $1 }
        let falsePositives = zip(predicted, isMember).count { $0 && !$1 }
        let tpr = Double(truePositives) / Double(members)
        let fpr = Double(falsePositives) / Double(nonMembers)
        let metrics = AttackMetrics(
            auc: curve.area, advantage: tpr - fpr,
            tprAtPointOnePercentFPR: curve.truePositiveRate(atFalsePositiveRate: 0.001),
            tprAtOnePercentFPR: curve.truePositiveRate(atFalsePositiveRate: 0.01),
            accuracy: Double(truePositives + nonMembers - falsePositives) / Double(isMember.count))
        return (metrics, curve)
    }

    /// Each metric's mean and sample standard deviation (ddof 1; 0 for one value) over `splits`.
    public static func summarize(_ splits: [AttackMetrics]) -> (mean: AttackMetrics, std: AttackMetrics) {
        var mean = AttackMetrics(auc: 0, advantage: 0, tprAtPointOnePercentFPR: 0, tprAtOnePercentFPR: 0, accuracy: 0)
        var std = mean
        for field in fields {
            let values = splits.map { $0[keyPath: field.path] }
            mean[keyPath: field.path] = Descriptive.mean(values)
            std[keyPath: field.path] = values.count > 1 ? Descriptive.standardDeviation(values, ddof: 1) : 0
        }
        return (mean, std)
    }
}
