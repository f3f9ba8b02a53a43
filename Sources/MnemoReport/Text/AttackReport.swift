import Foundation
import MnemoAnalysis

/// `mnemo attack` as text (one row per attack, each metric's mean ± std over splits, then the skipped
/// attacks with what they need) or JSON.
public enum AttackReport {
    /// The table, the skipped attacks and a note on how coarse the low-FPR columns are.
    public static func text(_ audit: MembershipAudit) -> String {
        let header = ["#", "attack"] + AttackMetrics.fields.map(\.title)
        let rows = audit.results.enumerated().map { number, result in
            ["\(number + 1)", result.attack.rawValue]
                + AttackMetrics.fields.map { format(result.mean[keyPath: $0.path]) + " ± " + format(result.std[keyPath: $0.path]) }
        }
        let splits = audit.results.first?.splits ?? 0
        var lines = [
            "sweep \(audit.sweep) · trial \(audit.trial) · target run \(audit.target) (subset \(audit.targetSubset)) · "
                + "\(audit.referenceRuns) reference runs",
            "\(audit.evaluatedPerSide) members and \(audit.evaluatedPerSide) non-members of the target evaluated per split, "
                + "about as many known to the attacker; \(splits) splits, mean ± std",
            Table.render(header: header, rows: rows),
        ]
        if !audit.skipped.isEmpty {
            lines.append("skipped:")
            lines += audit.skipped.map { "  \($0.attack.rawValue): \($0.explanation)" }
        }
        if let note = resolutionNote(evaluatedNonMembers: audit.evaluatedPerSide) { lines.append(note) }
        return lines.joined(separator: "\n")
    }

    /// Says when TPR at a low FPR is really the TPR at no false positive.
    static func resolutionNote(evaluatedNonMembers: Int) -> String? {
        let coarse = [(0.001, "TPR@0.1%FPR"), (0.01, "TPR@1%FPR")].filter { Double(evaluatedNonMembers) * $0.0 < 1 }.map(\.1)
        guard !coarse.isEmpty else { return nil }
        return "note: with \(evaluatedNonMembers) evaluated non-members one false positive is an FPR of "
            + String(format: "%.4f", 1 / Double(evaluatedNonMembers)) + ", so " + coarse.joined(separator: " and ")
            + " \(coarse.count == 1 ? "is" : "are") the TPR at no false positive"
    }

    /// The audit as JSON: `{"sweep", "trial", "target", "target_subset", "reference_runs",
    /// "evaluated_per_side", "attacks": [{"name", "<metric>", "<metric>_std"…, "splits"}], "skipped": [{"name", "needs"}]}`.
    public static func json(_ audit: MembershipAudit) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(audit), as: UTF8.self) + "\n"
    }

    private static func format(_ value: Double) -> String { String(format: "%.3f", value) }
}
