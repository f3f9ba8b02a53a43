import Foundation
@testable import MnemoCore
import Testing

/// Anchors and aliases are refused before composing, so nested aliases cannot exhaust memory or time.
@Suite struct SweepAliasTests {
    /// `depth` levels of nine-fold aliases under `training.schedule`: 9^depth strings once expanded.
    static func billionLaughs(depth: Int) -> String {
        var lines = ["    l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...depth {
            let previous = Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ")
            lines.append("    l\(level): &l\(level) [\(previous)]")
        }
        return SweepParserTests.valid.replacingOccurrences(
            of: "  max_epochs: 5\n", with: "  max_epochs: 5\n  schedule:\n" + lines.joined(separator: "\n") + "\n")
    }

    static let refusal = "anchors and aliases are not supported in sweep files, write each value out in full"

    @Test func billionLaughsIsRefusedAtTheFirstAnchor() {
        #expect {
            try SweepParser.parse(yaml: Self.billionLaughs(depth: 12), file: "lol.yaml")
        } throws: { error in
            (error as? SweepFileError)?.description == "lol.yaml:15:9: found a YAML anchor (&name); \(Self.refusal)"
        }
    }

    @Test func aliasAsAMappingKeyIsRefused() {
        let yaml = SweepParserTests.valid.replacingOccurrences(of: "subsets: 4", with: "subsets: 4\n  *big : 3")
        #expect {
            try SweepParser.parse(yaml: yaml, file: "key.yaml")
        } throws: { error in
            (error as? SweepFileError)?.description == "key.yaml:17:3: found a YAML alias (*name); \(Self.refusal)"
        }
    }

    @Test func aSharedValueIsRefusedRatherThanExpanded() {
        let yaml = SweepParserTests.valid
            .replacingOccurrences(of: "hidden: [32]", with: "hidden: &width [32]")
            .replacingOccurrences(of: "hidden: [[16], [32, 16]]", with: "hidden: [*width, [16]]")
        #expect {
            try SweepParser.parse(yaml: yaml, file: "shared.yaml")
        } throws: { error in
            (error as? SweepFileError)?.description
                == "shared.yaml:10:11: found a YAML anchor (&name); \(Self.refusal)"
        }
    }

    struct Text: CustomTestStringConvertible, Sendable {
        let label: String
        let yaml: String
        var testDescription: String { label }
    }

    @Test(arguments: [
        Text(label: "comment", yaml: "a: 1 # see *b and &c\n# *d\n"),
        Text(label: "plain scalar", yaml: "a: x *b &c\nb: [x*y, z&w]\n"),
        Text(label: "single quoted", yaml: "a: '*b ''&c'' *d'\n"),
        Text(label: "double quoted", yaml: "a: \"*b \\\" &c\"\nb: \"multi\n  *line\"\n"),
        Text(label: "block scalar", yaml: "a: |\n  *b\n\n  &c\nb:\n- >\n  *d\nc: 2\n"),
        Text(label: "tag and document marker", yaml: "--- !!map\na: !!str x\n...\n"),
    ])
    func textThatOnlyLooksLikeAnAliasPasses(_ text: Text) throws {
        #expect(AnchorScanner.firstAnchorOrAlias(in: text.yaml) == nil)
    }

    @Test(arguments: [
        Text(label: "flow mapping value", yaml: "a: {b: *c}\n"),
        Text(label: "flow sequence", yaml: "a: [x, *c]\n"),
        Text(label: "merge key", yaml: "a:\n  <<: *c\n"),
        Text(label: "after a block scalar", yaml: "- a: |\n    text\n  b: *c\n"),
        Text(label: "after a quoted key", yaml: "\"a\": *c\n"),
        Text(label: "after a tag", yaml: "a: !!seq &c [1]\n"),
        Text(label: "sequence entry", yaml: "- x\n- *c\n"),
    ])
    func aliasesAndAnchorsAreFound(_ text: Text) {
        #expect(AnchorScanner.firstAnchorOrAlias(in: text.yaml) != nil)
    }

    @Test func anOversizedFileIsRefusedBeforeParsing() throws {
        let padding = String(repeating: "# padding\n", count: SweepParser.maximumFileBytes / 10 + 1)
        #expect {
            try SweepParser.parse(yaml: padding + SweepParserTests.valid, file: "big.yaml")
        } throws: { error in
            (error as? SweepFileError)?.expected.hasPrefix("a sweep file of at most 1048576 bytes, found") == true
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID()).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data((padding + SweepParserTests.valid).utf8).write(to: file)
        #expect(throws: SweepFileError.self) { try SweepParser.parse(contentsOf: file.path) }
    }
}
