import Foundation
import MnemoCore
import MnemoTestSupport
import Testing

/// `docs/sweep-file.md` lists, section by section, exactly the keys the parser takes: each section's
/// keys are read from the parser's own refusal of an unknown key there ("allowed here: …").
@Suite struct SweepFileReferenceTests {
    /// For each documented section, a sweep whose section holds the unknown key `zzz_probe`.
    static let probes: [(section: String, yaml: String)] = {
        let base = SweepParserTests.valid
        let synthetic = SweepFixture.synthetic(name: "probe", subsets: 4)
        let command = "\ntrainer: {kind: command, command: 'true {out}'"
        return [
            ("(top level)", base + "\nzzz_probe: 1"),
            ("dataset", base.replacingOccurrences(of: "  label_noise: 0.05", with: "  label_noise: 0.05\n  zzz_probe: 1")),
            ("dataset.synthetic", synthetic.replacingOccurrences(of: "synthetic: {class_count: 2,", with: "synthetic: {zzz_probe: 1, class_count: 2,")),
            ("model", base.replacingOccurrences(of: "  kind: mlp", with: "  kind: mlp\n  zzz_probe: 1")),
            ("training", base.replacingOccurrences(of: "  max_epochs: 5", with: "  max_epochs: 5\n  zzz_probe: 1")),
            ("estimator", base.replacingOccurrences(of: "  subsets: 4", with: "  subsets: 4\n  zzz_probe: 1")),
            ("estimator.stop_when", base.replacingOccurrences(of: "  subsets: 4", with: "  subsets: 4\n  stop_when: {mem_se_below: 0.1, zzz_probe: 1}")),
            ("grid", base.replacingOccurrences(of: "grid:\n", with: "grid:\n  zzz_probe: [1]\n")),
            ("trainer", base + command + ", zzz_probe: 1}"),
            ("trainer.requires", base + command + ", requires: {zzz_probe: 1}}"),
            ("analysis", base + "\nanalysis: {zzz_probe: 1}"),
        ]
    }()

    /// The keys the parser allows in the probe's section.
    static func allowed(_ yaml: String) throws -> Set<String> {
        do {
            _ = try SweepParser.parse(yaml: yaml, file: "probe.yaml")
        } catch {
            // `parse(yaml:file:)` throws only `SweepFileError`.
            let text = error.description
            guard text.contains("unknown key 'zzz_probe'"), let range = text.range(of: "allowed here: ") else {
                throw TestFailure("the probe failed otherwise: \(text)")
            }
            return Set(text[range.upperBound...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        throw TestFailure("the probe parsed")
    }

    /// The keys each section of the reference lists (its table rows), by section.
    static func documented() throws -> [String: Set<String>] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/sweep-file.md")
        var sections: [String: Set<String>] = [:]
        var current: String?
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            if line.hasPrefix("## `") {
                current = String(line.dropFirst(4).prefix { $0 != "`" })
                sections[current!] = []
            } else if let current, line.hasPrefix("| `") {
                sections[current]?.insert(String(line.dropFirst(3).prefix { $0 != "`" }))
            }
        }
        return sections
    }

    @Test func everySectionDocumentsExactlyTheKeysTheParserTakes() throws {
        let documented = try Self.documented()
        #expect(Set(documented.keys) == Set(Self.probes.map(\.section)), "sections: \(documented.keys.sorted())")
        for probe in Self.probes {
            let parser = try Self.allowed(probe.yaml)
            let listed = documented[probe.section] ?? []
            #expect(parser.subtracting(listed).isEmpty, "\(probe.section): undocumented \(parser.subtracting(listed).sorted())")
            #expect(listed.subtracting(parser).isEmpty, "\(probe.section): documented but refused \(listed.subtracting(parser).sorted())")
        }
    }
}
