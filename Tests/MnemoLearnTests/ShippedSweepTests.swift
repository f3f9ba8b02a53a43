import Foundation
import MnemoCore
import MnemoLearn
import Testing

/// The example sweeps in `sweeps/` parse, and every trial of each is a valid engine configuration.
@Suite struct ShippedSweepTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("sweeps")

    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
        .filter { $0.hasSuffix(".yaml") }.sorted()

    @Test func theExampleSweepsAreThere() {
        #expect(Self.files.contains("quickstart.yaml"))
        #expect(Self.files.contains("optimizers.yaml"))
    }

    @Test(arguments: files)
    func everyTrialIsAValidEngineConfiguration(file: String) throws {
        let spec = try SweepParser.parse(contentsOf: Self.folder.appendingPathComponent(file).path)
        #expect(!spec.trials.isEmpty)
        for trial in spec.trials {
            let config = try TrainingConfig(model: trial.model, training: trial.training)
            #expect(config.validation == nil, "subset runs cannot hold out a validation split")
        }
    }
}
