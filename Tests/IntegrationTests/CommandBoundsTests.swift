import Foundation
import MnemoTestSupport
import Testing

/// The read-only commands refuse out-of-range counts with a usage error instead of trapping, and
/// serve the largest allowed ones.
@Suite(.serialized)
struct CommandBoundsTests {
    /// ArgumentParser's exit status for a `ValidationError` (EX_USAGE); a trap ends by a signal instead.
    static let usageStatus: Int32 = 64

    static let sweep = """
        name: bounds
        seed: 2
        dataset:
          name: synthetic
          synthetic: {class_count: 2, dimension: 4, common_modes_per_class: 1, common_mode_size: 10, rare_modes_per_class: 0, common_test_size: 4}
        model: {kind: softmax}
        training: {batch_size: 8, learning_rate: 0.1, max_epochs: 2}
        estimator: {subsets: 2}
        """

    @Test(arguments: [
        (["export", "bounds.sqlite", "--out", "out", "--pairs=-5"], "--pairs must be in 0...10000000, got -5"),
        (["export", "bounds.sqlite", "--out", "out", "--pairs", "10000001"], "--pairs must be in 0...10000000"),
        (["scores", "bounds.sqlite", "--top", "2000000000"], "--top must be in 1...100000, got 2000000000"),
        (["scores", "bounds.sqlite", "--top", "0"], "--top must be in 1...100000, got 0"),
        (["worker", "--connect", "tcp://127.0.0.1:9", "--cache-max", "0.5"], "--cache-max must be at least 1M (it bounds the datasets kept in the cache folder), got 0 bytes"),
        (["coordinator", "--db", "bounds.sqlite", "--cache-max", "512K"], "--cache-max must be at least 1M (it bounds the datasets kept in the cache folder), got 524288 bytes"),
        (["worker", "--connect", "tcp://127.0.0.1:9", "--cache-max", "20Q"], "The value '20Q' is invalid for '--cache-max"),
    ])
    func outOfRangeCountsAreUsageErrors(arguments: [String], message: String) throws {
        let dir = try TemporaryDirectory()
        let result = try MnemoProcess.run(arguments, in: dir, label: "bounds", timeout: 60)
        #expect(result.status == Self.usageStatus, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
    }

    @Test func theLargestAllowedCountsRun() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(Self.sweep, to: "bounds.yaml")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "1", "--quiet"], in: dir, label: "run")
        try #require(run.status == 0, "mnemo run failed: \(run.stderr)")
        let scores = try MnemoProcess.run(
            ["scores", dir.path("bounds.sqlite"), "--top", "100000"], in: dir, label: "scores", timeout: 60)
        #expect(scores.status == 0, "\(scores.stderr)")
        let export = try MnemoProcess.run(
            ["export", dir.path("bounds.sqlite"), "--out", dir.path("out"), "--pairs", "10000000"], in: dir,
            label: "export", timeout: 60)
        #expect(export.status == 0, "\(export.stderr)")
    }
}
