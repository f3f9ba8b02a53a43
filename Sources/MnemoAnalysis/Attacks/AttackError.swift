/// Why `mnemo attack` cannot audit what it was asked to; each case says what to do instead.
public enum AttackError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `--target` is not a run of the trial.
    case targetOutOfRange(target: Int, trial: Int, runs: Int)
    /// `--attacks` names an attack that does not exist.
    case unknownAttack(String)
    /// None of the asked attacks can run on what the trial stored.
    case noAttackCanRun([SkippedAttack])
    /// The target has too few members or non-members for two halves of each.
    case tooFewExamples(members: Int, nonMembers: Int)
    /// A stored result lacks an array its sweep's outputs promise.
    case missingArray(name: String, subset: Int)

    public var description: String {
        switch self {
        case let .targetOutOfRange(target, trial, runs):
            "--target \(target) is out of range: trial \(trial) has \(runs) finished run\(runs == 1 ? "" : "s"), "
                + "so the target must be in 0...\(runs - 1) (runs are numbered in subset order)"
        case let .unknownAttack(name):
            "unknown attack '\(name)'; --attacks takes a comma-separated list of: "
                + MembershipAttack.allCases.map(\.rawValue).joined(separator: ", ")
        case let .noAttackCanRun(skipped):
            "no attack can run on this trial: "
                + skipped.map { "\($0.attack.rawValue) \($0.explanation)" }.joined(separator: "; ")
                + ". Add the outputs to the sweep file's `outputs:` (e.g. outputs: [correctness, loss, logits]) "
                + "and run it as a new sweep, or ask for attacks that need only correctness"
        case let .tooFewExamples(members, nonMembers):
            "the target run has \(members) members and \(nonMembers) non-members among the training examples; "
                + "an audit needs at least 2 of each (use a subset ratio that leaves both sides)"
        case let .missingArray(name, subset):
            "the result of subset \(subset) has no array '\(name)' of the size its sweep's outputs ask for; "
                + "the database may be damaged: check it with `mnemo status`"
        }
    }
}
