import Foundation
import MnemoCore
import MnemoLearn
import Testing

/// The example sweeps in `sweeps/` and the papers' in `sweeps/papers/` parse, and every trial of each
/// built-in engine sweep is a valid engine configuration.
@Suite struct ShippedSweepTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("sweeps")

    /// The sweep files of `sweeps/` and of `sweeps/papers/` (as `papers/NAME.yaml`).
    static let files: [String] = ["", "papers/"].flatMap { sub in
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(sub).path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.map { sub + $0 }
    }.sorted()

    @Test func theExampleSweepsAreThere() {
        #expect(Self.files.contains("quickstart.yaml"))
        #expect(Self.files.contains("optimizers.yaml"))
        for paper in ["sam-buckets", "sharp-minima", "sharpreg", "past", "audit-sgd-sam"] {
            #expect(Self.files.contains("papers/\(paper).yaml"), "\(paper)")
        }
    }

    @Test(arguments: files)
    func everyTrialIsAValidEngineConfiguration(file: String) throws {
        let spec = try SweepParser.parse(contentsOf: Self.folder.appendingPathComponent(file).path)
        #expect(!spec.trials.isEmpty)
        // A command trainer's settings are its own (`params:`): there is no engine configuration to check.
        guard spec.trainer?.command == nil else { return }
        for trial in spec.trials {
            let config = try TrainingConfig(model: trial.model, training: trial.training)
            #expect(config.validation == nil, "subset runs cannot hold out a validation split")
        }
    }
}
