import ArgumentParser
import Foundation
import MnemoAnalysis
import MnemoReport

extension Mnemo {
    struct AttackCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "attack",
            abstract: "Audit one run with membership-inference attacks, the trial's other runs as reference models.",
            discussion: """
                Runs every attack the stored outputs allow (correctness, confidence, entropy, modified_entropy, \
                loss, lira_offline, lira_online, rmia, nn, and from a label_only output augmentation on images \
                or feature_flip on binary features) on the target's members against as many of its \
                non-members, over 5 splits in which the attacker knows half of each; lists the others with what \
                they need. Exits non-zero only when no attack can run.
                Example:
                  mnemo attack sweeps/quickstart.sqlite --target 3 --attacks loss,lira_online --json
                """)

        @OptionGroup var database: DatabaseOptions

        @Option(help: "Which trial (index, see `mnemo status`).")
        var trial: Int = 0

        @Option(help: "The audited run: its position among the trial's runs in subset order (0 is the first).")
        var target: Int = 0

        @Option(help: "Comma-separated attacks to run (default: all).")
        var attacks: String?

        @Flag(help: "Print only JSON on standard output.")
        var json = false

        @Option(help: "Write attack_<name>.npz (fpr, tpr, scores, membership, index of the first split) into this folder.")
        var out: String?

        func validate() throws {
            guard trial >= 0 else { throw ValidationError("--trial must be 0 or more, got \(trial)") }
            guard target >= 0 else { throw ValidationError("--target must be 0 or more, got \(target)") }
            if let attacks { _ = try MembershipAttack.parse(list: attacks) }
        }

        func run() throws {
            let chosen = try attacks.map(MembershipAttack.parse(list:)) ?? MembershipAttack.allCases
            let inputs = try AuditInputs.load(
                store: database.openStore(), sweepName: database.sweep, trialIndex: trial, targetIndex: target, attacks: chosen)
            let audit = try MembershipAudit.run(inputs, attacks: chosen)
            if let out { try AttackArchive.write(audit, to: URL(fileURLWithPath: out)) }
            if json {
                print(try AttackReport.json(audit), terminator: "")
            } else {
                print(AttackReport.text(audit))
            }
        }
    }
}
