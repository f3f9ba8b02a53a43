import Foundation
import MnemoCore
import MnemoTestSupport
import Testing

/// Strings, sizes and counts in a sweep file are bounded at parse time, so that no later message,
/// allocation or table grows with a careless or hostile value.
@Suite struct SweepLimitsTests {
    typealias BadFile = SweepParserTests.BadFile

    static func replacing(_ old: String, with new: String) -> @Sendable (String) -> String {
        { $0.replacingOccurrences(of: old, with: new) }
    }

    static func synthetic(_ settings: String) -> String {
        SweepFixture.withDataset("  name: synthetic\n  synthetic: {\(settings)}")
    }

    @Test(arguments: [
        BadFile(
            label: "long name",
            edit: replacing("name: tiny", with: "name: " + String(repeating: "n", count: 101)),
            message: "tiny.yaml:1:7: name: expected a name of letters, digits, '-', '_' or '.' of at most 100 "
                + "characters, found 101"),
        BadFile(
            label: "long path",
            edit: replacing("  label_noise: 0.05", with: "  path: /" + String(repeating: "p", count: 4096)),
            message: "tiny.yaml:7:9: dataset.path: expected a file or folder path of at most 4096 characters, "
                + "found 4097"),
        BadFile(
            label: "huge train limit",
            edit: replacing("train_limit: 100", with: "train_limit: 1000000000"),
            message: "tiny.yaml:5:16: dataset.train_limit: expected an integer in 1...100000000, found \"1000000000\""),
        BadFile(
            label: "huge validation size",
            edit: replacing("train_limit: 100", with: "train_limit: 100\n  validation_size: 9223372036854775807"),
            message: "tiny.yaml:6:20: dataset.validation_size: expected an integer in 1...100000000, "
                + "found \"9223372036854775807\""),
        BadFile(
            label: "too many subsets",
            edit: replacing("subsets: 4", with: "subsets: 100001"),
            message: "tiny.yaml:16:12: estimator.subsets: expected an integer in 2...100000, found \"100001\""),
        BadFile(
            label: "too many hidden layers",
            edit: replacing("hidden: [32]", with: "hidden: [" + Array(repeating: "8", count: 101).joined(separator: ",") + "]"),
            message: "tiny.yaml:10:11: model.hidden: expected at most 100 hidden layers, found 101"),
        BadFile(
            label: "large engine settings",
            edit: replacing("  max_epochs: 5\n", with: "  max_epochs: 5\n  schedule: {kind: \(String(repeating: "/", count: 9000))}\n"),
            message: "tiny.yaml:12:3: training: settings of at most 16384 bytes as JSON, these take 18024"),
        BadFile(
            label: "too many runs",
            edit: {
                $0.replacingOccurrences(of: "subsets: 4", with: "subsets: 10000").replacingOccurrences(
                    of: "learning_rate: [0.1, 0.05]",
                    with: "learning_rate: [" + (1...300).map { "0.00\($0)" }.joined(separator: ", ") + "]")
            },
            message: "tiny.yaml:18:3: grid: a sweep of at most 1000000 runs (trials × subsets), this one makes 6000000"),
    ])
    func oversizedValuesAreRefused(_ bad: BadFile) {
        #expect {
            try SweepParser.parse(yaml: bad.edit(SweepParserTests.valid), file: "tiny.yaml")
        } throws: { error in
            (error as? SweepFileError)?.description == bad.message
        }
    }

    @Test func aSyntheticDatasetTooLargeToHoldIsRefused() {
        #expect {
            try SweepParser.parse(yaml: Self.synthetic("class_count: 100000, dimension: 1000000"), file: "s.yaml")
        } throws: { error in
            (error as? SweepFileError)?.description
                == "s.yaml:5:14: dataset.synthetic: a dataset of at most 2^31 features in all (examples × dimension), "
                + "these settings make 1.3e+13"
        }
        #expect(throws: SweepFileError.self) {
            try SweepParser.parse(
                yaml: Self.synthetic(
                    "class_count: 100000, common_modes_per_class: 1000000, common_mode_size: 10000000, "
                        + "dimension: 1000000"),
                file: "s.yaml")
        }
    }

    @Test func syntheticDatasetsWithinTheBoundStayValid() throws {
        let noRareModes = try SweepParser.parse(
            yaml: Self.synthetic("rare_modes_per_class: 0, rare_test_size: 0"), file: "s.yaml")
        #expect(noRareModes.dataset.synthetic == #"{"rare_modes_per_class":0,"rare_test_size":0}"#)
        _ = try SweepParser.parse(yaml: Self.synthetic("class_count: 1000, dimension: 4096"), file: "s.yaml")
    }
}
