import Foundation
import MnemoTestSupport
import Testing

/// `mnemo compare --paired A B`: which trials may be paired, and which reference trial buckets them.
@Suite(.serialized)
struct PairedCompareTests {
    static func sweep(name: String, seed: Int, analysis: String = "") -> String {
        """
        name: \(name)
        seed: \(seed)
        \(ExternalTrainerTests.dataset)
        model: {kind: mlp, hidden: [16]}
        training: {batch_size: 32, learning_rate: 0.1, max_epochs: 5}
        grid: {learning_rate: [0.1, 0.05]}
        estimator: {subsets: 4}
        \(analysis)
        """
    }

    @Test func trialsPairOnlyWhenTheyShareMasksAndTheReferenceTrialBucketsThem() throws {
        let dir = try TemporaryDirectory()
        let db = dir.path("pairs.sqlite")
        for (name, seed) in [("base", 3), ("twin", 3), ("other", 4)] {
            let file = try dir.write(Self.sweep(name: name, seed: seed), to: "\(name).yaml")
            let run = try MnemoProcess.run(["run", file, "--db", db, "--workers", "2", "--quiet"], in: dir, label: name)
            try #require(run.status == 0, "\(run.stderr)")
        }
        func compare(_ arguments: [String]) throws -> (status: Int32?, stdout: String, stderr: String) {
            let result = try MnemoProcess.run(["compare", db, "--sweep", "base"] + arguments, in: dir, label: "compare")
            return (result.status, result.stdout, result.stderr)
        }
        let same = try compare(["--paired", "0", "0"])
        #expect(same.status != 0 && same.stderr.contains("--paired needs two different trials"), "\(same.stderr)")
        let one = try compare(["--paired", "0"])
        #expect(one.status != 0 && one.stderr.contains("--paired takes two trials"), "\(one.stderr)")
        // The synthetic data derives from the seed too: another seed makes other data.
        let seeds = try compare(["--paired", "0", "other:1"])
        #expect(
            seeds.status != 0 && seeds.stderr.contains("base:0 (learning_rate=0.1) and other:1 (learning_rate=0.05) do not share masks (their datasets differ"),
            "\(seeds.stderr)")
        // Another sweep with the same seed and data trains on the same subsets: its trials pair.
        let twin = try compare(["--paired", "0", "twin:1", "--json"])
        #expect(twin.status == 0, "\(twin.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(twin.stdout.utf8)) as? [String: Any])
        #expect(document["shared_runs"] as? Int == 4 && document["reference_trial"] as? Int == 0)
        #expect((document["b"] as? [String: Any])?["sweep"] as? String == "twin")
        // The sweep file's analysis.reference_trial picks the buckets, --reference overrides it.
        let file = try dir.write(
            Self.sweep(name: "base", seed: 3, analysis: "analysis: {reference_trial: 1}"), to: "base.yaml")
        #expect(try MnemoProcess.run(["submit", file, "--db", db], in: dir, label: "submit").status == 0)
        let fromFile = try compare(["--paired", "0", "1", "--json"])
        let fromFileDocument = try #require(try JSONSerialization.jsonObject(with: Data(fromFile.stdout.utf8)) as? [String: Any])
        #expect(fromFileDocument["reference_trial"] as? Int == 1, "\(fromFile.stderr)")
        let overridden = try compare(["--paired", "0", "1", "--reference", "0"])
        #expect(overridden.stdout.contains("from trial 0:"), "\(overridden.stdout)")
        #expect(overridden.stdout.contains("B − A"), "\(overridden.stdout)")

        // --buckets: every trial's accuracy per bucket of the reference trial, the same means the pairing shows.
        let table = try compare(["--buckets", "--json"])
        #expect(table.status == 0, "\(table.stderr)")
        let tableDocument = try #require(try JSONSerialization.jsonObject(with: Data(table.stdout.utf8)) as? [String: Any])
        #expect(tableDocument["reference_trial"] as? Int == 1)
        let schemes = try #require(tableDocument["buckets"] as? [String: [String: Any]])
        let pairedBuckets = try #require(fromFileDocument["buckets"] as? [String: [[String: Any]]])
        for scheme in ["raw", "thresholded"] {
            let examples = try #require(schemes[scheme]?["examples"] as? [Int])
            #expect(examples.reduce(0, +) == 80, "every test example in one bucket")
            let rows = try #require(schemes[scheme]?["trials"] as? [[String: Any]])
            #expect(rows.map { $0["index"] as? Int } == [0, 1])
            for (bucket, entry) in (pairedBuckets[scheme] ?? []).enumerated() {
                let fromTable = ((rows[1]["accuracy"] as? [[String: Any]])?[bucket])?["mean"] as? Double
                let fromPairing = (entry["b"] as? [String: Any])?["mean"] as? Double
                #expect(fromTable == fromPairing, "\(scheme) bucket \(bucket + 1)")
            }
        }
        let text = try compare(["--buckets", "--reference", "0"])
        #expect(text.stdout.contains("buckets from trial 0") && text.stdout.contains("thresholded-entropy buckets"), "\(text.stdout)")
    }
}
