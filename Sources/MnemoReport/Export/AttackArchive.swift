import Foundation
import MnemoAnalysis
import MnemoCore
import MnemoData

/// `mnemo attack --out DIR`: one `attack_<name>.npz` per attack that ran, from its first split:
/// `fpr`, `tpr` (its ROC, float64), `scores` (the evaluated examples' decision scores, member when
/// ≥ 0, float64), `membership` (bool) and `index` (their training indices, int64).
public enum AttackArchive {
    /// Writes the archives into `directory` (created if needed) and returns their URLs.
    @discardableResult
    public static func write(_ audit: MembershipAudit, to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return try audit.results.map { result in
            let url = directory.appendingPathComponent("attack_\(result.attack.rawValue).npz")
            let split = result.firstSplit
            try NpzWriter.write(
                [
                    NpyArray(name: "fpr", shape: [split.curve.falsePositiveRates.count], values: split.curve.falsePositiveRates),
                    NpyArray(name: "tpr", shape: [split.curve.truePositiveRates.count], values: split.curve.truePositiveRates),
                    NpyArray(name: "scores", shape: [split.scores.count], values: split.scores),
                    NpyArray(name: "membership", shape: [split.isMember.count], values: split.isMember),
                    NpyArray(name: "index", shape: [split.indices.count], values: split.indices.map(Int64.init)),
                ], to: url)
            return url
        }
    }
}
