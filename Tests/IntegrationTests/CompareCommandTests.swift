import Foundation
import MnemoStore
import MnemoTestSupport
import Testing

/// `mnemo compare` on a real 2 × 2 grid: one row per trial, metrics recomputed from the stored runs,
/// sorted as documented, JSON alone on standard output.
@Suite(.serialized)
struct CompareCommandTests {
    @Test func aTwoByTwoGridComparesAsTheStoredRunsSay() throws {
        let dir = try TemporaryDirectory()
        let sweep = try dir.write(
            """
            name: grid
            seed: 4
            dataset:
              name: synthetic
              synthetic: {class_count: 4, dimension: 16, common_modes_per_class: 2, common_mode_size: 20, rare_modes_per_class: 0, common_test_size: 10, spread: 0.5}
              label_noise: 0.1
            model: {kind: mlp, hidden: [16]}
            training: {batch_size: 16, learning_rate: 0.1, max_epochs: 30, until_train_accuracy: 0.99}
            grid: {learning_rate: [0.01, 0.2], hidden: [[8], [32]]}
            estimator: {subsets: 4, ratio: 0.5}
            """, to: "grid.yaml")
        let run = try MnemoProcess.run(["run", sweep, "--workers", "2", "--no-progress"], in: dir, label: "run")
        #expect(run.status == 0, "\(run.stderr)")
        let db = dir.path("grid.sqlite")
        let compare = try MnemoProcess.run(["compare", db, "--json"], in: dir, label: "compare")
        #expect(compare.status == 0, "\(compare.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as? [String: Any])
        #expect(document["sweep"] as? String == "grid" && document["sort_by"] as? String == "test_accuracy")
        let trials = try #require(document["trials"] as? [[String: Any]])
        #expect(trials.count == 4)
        // Recomputed from the database: each trial's mean test accuracy, its runs and fit runs.
        let store = try Store.openReadOnly(path: db)
        var means: [Int: Double] = [:]
        for trial in trials {
            let index = try #require(trial["index"] as? Int)
            var accuracies: [Double] = []
            var fit = 0
            try store.forEachResult(sweepID: "grid", trialIndex: index) { row in
                accuracies.append(row.testAccuracy)
                if row.subsetAccuracy >= 0.99 { fit += 1 }
            }
            means[index] = accuracies.reduce(0, +) / Double(accuracies.count)
            let metrics = try #require(trial["metrics"] as? [String: [String: Double]])
            #expect(abs((metrics["test_accuracy"]?["mean"] ?? -1) - means[index]!) < 1e-12)
            #expect(metrics["loss"] != nil, "the built-in engine reports its final loss")
            #expect(trial["runs"] as? Int == 4 && trial["runs_fit"] as? Int == fit)
            let params = try #require(trial["params"] as? [String: Any])
            #expect(Set(params.keys) == ["learning_rate", "hidden"])
            #expect(trial["mislabeled_auc"] is Double)
        }
        // Sorted higher first; best is the first row.
        let order = trials.compactMap { $0["index"] as? Int }
        #expect(order == means.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key))
        #expect(document["best"] as? Int == order.first)
        // Seconds per run sorts lower first; CSV has a header and a row per trial; unknown metrics are named.
        let bySeconds = try MnemoProcess.run(["compare", db, "--json", "--sort", "seconds_per_run"], in: dir, label: "seconds")
        let secondsDocument = try #require(try JSONSerialization.jsonObject(with: Data(bySeconds.stdout.utf8)) as? [String: Any])
        let seconds = (secondsDocument["trials"] as? [[String: Any]] ?? []).compactMap { $0["seconds_per_run"] as? Double }
        #expect(seconds.count == 4 && seconds == seconds.sorted())
        let byAUC = try MnemoProcess.run(["compare", db, "--json", "--sort", "mislabeled_auc"], in: dir, label: "auc")
        let aucDocument = try #require(try JSONSerialization.jsonObject(with: Data(byAUC.stdout.utf8)) as? [String: Any])
        let aucs = (aucDocument["trials"] as? [[String: Any]] ?? []).compactMap { $0["mislabeled_auc"] as? Double }
        #expect(aucs.count == 4 && aucs == aucs.sorted(by: >), "AUCs sort higher first: \(aucs)")
        let csv = try MnemoProcess.run(["compare", db, "--csv"], in: dir, label: "csv")
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.count == 5 && lines[0].hasPrefix("index,name,runs,runs_fit,test_accuracy_mean,test_accuracy_se"))
        let unknown = try MnemoProcess.run(["compare", db, "--sort", "f1"], in: dir, label: "unknown")
        #expect(unknown.status != 0 && unknown.stderr.contains("reports 'f1'"), "\(unknown.stderr)")
        let text = try MnemoProcess.run(["compare", db], in: dir, label: "text")
        // The best trial's row starts with its mark.
        let marked = text.stdout.split(separator: "\n").filter { $0.hasPrefix("*") }
        #expect(marked.count == 1 && marked.first?.contains("\(order.first!) ") == true, "\(text.stdout)")
        #expect(text.stdout.contains("± "), "\(text.stdout)")
    }
}
