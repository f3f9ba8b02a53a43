import Foundation
import MnemoCore
import Testing

@Suite struct SweepParserTests {
    static let valid = """
        name: tiny
        seed: 7
        dataset:
          name: fashion-mnist
          train_limit: 100
          test_limit: 50
          label_noise: 0.05
        model:
          kind: mlp
          hidden: [32]
        training:
          learning_rate: 0.1
          max_epochs: 5
          until_train_accuracy: 0.99
        estimator:
          subsets: 4
        grid:
          learning_rate: [0.1, 0.05]
          hidden: [[16], [32, 16]]
        """

    @Test func parsesAValidFileWithDefaults() throws {
        let spec = try SweepParser.parse(yaml: Self.valid, file: "tiny.yaml")
        #expect(spec.name == "tiny")
        #expect(spec.seed == 7)
        #expect(spec.dataset.path == DatasetSpec.fashionMNISTDefaultPath)
        #expect(spec.dataset.trainLimit == 100)
        #expect(spec.training.batchSize == 128)
        #expect(spec.training.nesterov)
        #expect(spec.estimator.ratio == 0.7)
        #expect(spec.grid.map(\.key) == [.learningRate, .hidden])
    }

    @Test func gridExpandsToTheCartesianProductInFileOrder() throws {
        let trials = try SweepParser.parse(yaml: Self.valid, file: "tiny.yaml").trials
        #expect(trials.map(\.name) == [
            "learning_rate=0.1,hidden=16", "learning_rate=0.1,hidden=32-16",
            "learning_rate=0.05,hidden=16", "learning_rate=0.05,hidden=32-16",
        ])
        #expect(trials[3].training.learningRate == 0.05)
        #expect(trials[3].model.hidden == [32, 16])
        #expect(trials.map(\.index) == [0, 1, 2, 3])
    }

    struct BadFile: CustomTestStringConvertible, Sendable {
        let label: String
        let edit: @Sendable (String) -> String
        let message: String
        var testDescription: String { label }
    }

    @Test(arguments: [
        BadFile(
            label: "missing field",
            edit: { $0.replacingOccurrences(of: "  max_epochs: 5\n", with: "") },
            message: "tiny.yaml:12:3: training.max_epochs: missing required field 'max_epochs'"),
        BadFile(
            label: "wrong type",
            edit: { $0.replacingOccurrences(of: "subsets: 4", with: "subsets: many") },
            message: "tiny.yaml:16:12: estimator.subsets: expected an integer in 2...100000, found \"many\""),
        BadFile(
            label: "unknown key",
            edit: { $0.replacingOccurrences(of: "  label_noise: 0.05", with: "  label_nosie: 0.05") },
            message: "tiny.yaml:7:3: dataset.label_nosie: unknown key 'label_nosie'; did you mean 'label_noise'? allowed here: "
                + "name, path, train_limit, test_limit, label_noise, test_count, coarse_labels, validation_size, "
                + "train, test, class_count, label_base, label_column, header, delimiter, synthetic, duplicates"),
        BadFile(
            label: "out of range",
            edit: { $0.replacingOccurrences(of: "learning_rate: [0.1, 0.05]", with: "learning_rate: [0.1, -1]") },
            message: "tiny.yaml:18:24: grid.learning_rate[1]: expected a positive number, found \"-1\""),
        BadFile(
            label: "syntax error",
            edit: { $0.replacingOccurrences(of: "hidden: [32]", with: "hidden: [32") },
            message: "tiny.yaml:11:9: YAML syntax error: did not find expected ',' or ']'"),
        BadFile(
            label: "softmax with hidden layers",
            edit: { $0.replacingOccurrences(of: "kind: mlp", with: "kind: softmax") },
            message: "tiny.yaml:10:11: model.hidden: softmax regression has no hidden layers; use kind: mlp or drop hidden"),
        BadFile(
            label: "reference trial outside the grid",
            edit: { $0 + "\nanalysis: {reference_trial: 4}" },
            message: "tiny.yaml:20:29: analysis.reference_trial: expected a trial index in 0...3 (the grid makes 4 trials), found \"4\""),
        BadFile(
            label: "unknown analysis key",
            edit: { $0 + "\nanalysis: {reference: 1}" },
            message: "tiny.yaml:20:12: analysis.reference: unknown key 'reference'; allowed here: reference_trial"),
        BadFile(
            label: "a stop rule with balanced masks",
            edit: { $0.replacingOccurrences(of: "subsets: 4", with: "subsets: 4\n  masks: balanced\n  stop_when: {mem_se_below: 0.1}") },
            message: "tiny.yaml:18:14: estimator.stop_when: stop_when with balanced masks could stop between a run and its "
                + "complement, and every example would no longer be in half the runs: drop one of them"),
        BadFile(
            label: "unknown mask scheme",
            edit: { $0.replacingOccurrences(of: "subsets: 4", with: "subsets: 4\n  masks: paired") },
            message: "tiny.yaml:17:10: estimator.masks: expected one of: random, balanced, found \"paired\""),
        BadFile(
            label: "balanced masks with another ratio",
            edit: { $0.replacingOccurrences(of: "subsets: 4", with: "subsets: 4\n  masks: balanced\n  ratio: 0.7") },
            message: "tiny.yaml:18:10: estimator.ratio: balanced masks need ratio: 0.5 (each run holds half the "
                + "examples, its pair the other half), found 0.7"),
        BadFile(
            label: "balanced masks with an odd number of subsets",
            edit: { $0.replacingOccurrences(of: "subsets: 4", with: "subsets: 5\n  masks: balanced") },
            message: "tiny.yaml:16:12: estimator.subsets: balanced masks need an even number of subsets (runs come "
                + "in complementary pairs), found 5"),
    ])
    func invalidFilesReadWell(_ bad: BadFile) {
        #expect {
            try SweepParser.parse(yaml: bad.edit(Self.valid), file: "tiny.yaml")
        } throws: { error in
            (error as? SweepFileError)?.description == bad.message
        }
    }

    @Test func balancedMasksDefaultToHalfAndRandomMasksKeepTheStoredForm() throws {
        let balanced = try SweepParser.parse(
            yaml: Self.valid.replacingOccurrences(of: "subsets: 4", with: "subsets: 4\n  masks: balanced"), file: "tiny.yaml")
        #expect(balanced.estimator == EstimatorSpec(subsets: 4, ratio: 0.5, masks: .balanced))
        let random = try SweepParser.parse(yaml: Self.valid, file: "tiny.yaml")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Sweeps and tasks stored before mask schemes existed keep their canonical JSON and ids.
        #expect(String(decoding: try encoder.encode(random.estimator), as: UTF8.self) == #"{"ratio":0.7,"subsets":4}"#)
        #expect(String(decoding: try encoder.encode(balanced.estimator), as: UTF8.self).contains(#""masks":"balanced""#))
        let decoded = try JSONDecoder().decode(EstimatorSpec.self, from: Data(#"{"ratio":0.7,"subsets":4}"#.utf8))
        #expect(decoded.masks == .random)
    }

    @Test func missingFileNamesThePath() {
        #expect(throws: SweepFileError.self) {
            try SweepParser.parse(contentsOf: "/nonexistent/sweep.yaml")
        }
    }
}

extension SweepParserTests {
    @Test func aStopRuleParsesAndIsMetOnlyWhenEverySelectedEstimateIsPrecise() throws {
        let spec = try SweepParser.parse(
            yaml: Self.valid.replacingOccurrences(
                of: "subsets: 4", with: "subsets: 4\n  stop_when: {mem_se_below: 0.05, examples: [1, 3]}"),
            file: "tiny.yaml")
        let rule = try #require(spec.estimator.stopWhen)
        #expect(rule == StopRule(memSEBelow: 0.05, examples: .indices([1, 3])))
        let estimates = MemorizationEstimates(values: [0.1, 0.9, .nan, 0.2], standardErrors: [0.2, 0.04, .nan, 0.049])
        #expect(rule.isMet(by: estimates, flipped: []))
        #expect(!StopRule(memSEBelow: 0.05).isMet(by: estimates, flipped: []), "all: example 0 is imprecise, 2 undefined")
        #expect(!StopRule(memSEBelow: 0.05, examples: .flipped).isMet(by: estimates, flipped: []), "nothing selected")
        #expect(StopRule(memSEBelow: 0.05, examples: .flipped).isMet(by: estimates, flipped: [1]))
        #expect(!StopRule(memSEBelow: 0.05, examples: .flipped).isMet(by: estimates, flipped: [1, 2]))
        // Round trip through the stored JSON.
        let stored = try JSONDecoder().decode(EstimatorSpec.self, from: JSONEncoder().encode(spec.estimator))
        #expect(stored.stopWhen == rule)
        let all = try JSONDecoder().decode(StopRule.self, from: Data(#"{"mem_se_below":0.1,"examples":"flipped"}"#.utf8))
        #expect(all.examples == .flipped)
    }
}

extension SweepParserTests {
    @Test func misspeltNamesGetTheNearestKnownOne() {
        let keys = ["train_limit", "test_limit", "label_noise", "name"]
        #expect(Spelling.closest(to: "trian_limit", in: keys) == "train_limit")
        #expect(Spelling.closest(to: "lable_noise", in: keys) == "label_noise")
        #expect(Spelling.closest(to: "test_limt", in: keys) == "test_limit")
        #expect(Spelling.closest(to: "nmae", in: keys) == "name")
        #expect(Spelling.closest(to: "batch", in: keys) == nil)
        #expect(Spelling.closest(to: "seed", in: keys) == nil)
    }
}
