import Foundation
import MnemoCore
import Testing

@Suite struct EngineOptionsTests {
    static let cnn = """
        name: cnn
        seed: 1
        dataset: {name: fashion-mnist}
        model:
          kind: cnn
          hidden: [32]
          convolution: {input_shape: [1, 28, 28], channels: [8, 16]}
        training:
          learning_rate: 0.1
          max_epochs: 5
          objective: {kind: sam, rho: 0.05}
          schedule: {kind: multi_step, milestones: [2, 4], factor: 0.2}
          l2_penalty: 0.001
        estimator: {subsets: 2}
        """

    @Test func engineSettingsTravelAsCanonicalJSON() throws {
        let spec = try SweepParser.parse(yaml: Self.cnn, file: "cnn.yaml")
        #expect(spec.model.kind == "cnn")
        #expect(spec.training.engineOptions == """
            {"convolution":{"channels":[8,16],"input_shape":[1,28,28]},"l2_penalty":0.001,\
            "objective":{"kind":"sam","rho":0.05},"schedule":{"factor":0.2,"kind":"multi_step","milestones":[2,4]}}
            """)
        // The options are part of the task spec, so changing them changes every task id.
        var changed = spec
        changed.training.engineOptions = changed.training.engineOptions.replacingOccurrences(of: "0.05", with: "0.1")
        let a = TaskSpec(sweep: spec, trial: spec.trials[0], subset: 0, datasetHash: "h", trainCount: 10, engineVersion: "e")
        let b = TaskSpec(sweep: changed, trial: changed.trials[0], subset: 0, datasetHash: "h", trainCount: 10, engineVersion: "e")
        #expect(a.id != b.id)
    }

    @Test func aSweepWithoutEngineSettingsHasNone() throws {
        let spec = try SweepParser.parse(yaml: SweepParserTests.valid, file: "tiny.yaml")
        #expect(spec.training.engineOptions.isEmpty)
    }

    @Test func aCNNNeedsAConvolutionSectionAndOnlyACNNTakesOne() {
        let missing = Self.cnn.replacingOccurrences(
            of: "  convolution: {input_shape: [1, 28, 28], channels: [8, 16]}\n", with: "")
        #expect(throws: SweepFileError.self) { try SweepParser.parse(yaml: missing, file: "cnn.yaml") }
        let stray = Self.cnn.replacingOccurrences(of: "kind: cnn", with: "kind: mlp")
        #expect {
            try SweepParser.parse(yaml: stray, file: "cnn.yaml")
        } throws: { error in
            (error as? SweepFileError)?.description == "cnn.yaml:7:16: model.convolution: only kind: cnn takes a convolution section"
        }
    }
}

@Suite struct EngineGridTests {
    @Test func aGridCanVaryTheObjectiveAndSWA() throws {
        let yaml = """
            name: optimizers
            seed: 1
            dataset: {name: fashion-mnist}
            model: {kind: mlp, hidden: [64]}
            training: {learning_rate: 0.1, max_epochs: 5, l2_penalty: 0.001}
            estimator: {subsets: 2}
            grid:
              objective: [{kind: standard}, {kind: sam, rho: 0.05}]
              swa: [null, {start_epoch: 3}]
            """
        let trials = try SweepParser.parse(yaml: yaml, file: "o.yaml").trials
        #expect(trials.map(\.training.engineOptions) == [
            #"{"l2_penalty":0.001,"objective":{"kind":"standard"}}"#,
            #"{"l2_penalty":0.001,"objective":{"kind":"standard"},"swa":{"start_epoch":3}}"#,
            #"{"l2_penalty":0.001,"objective":{"kind":"sam","rho":0.05}}"#,
            #"{"l2_penalty":0.001,"objective":{"kind":"sam","rho":0.05},"swa":{"start_epoch":3}}"#,
        ])
        #expect(trials[3].name == #"objective={"kind":"sam","rho":0.05},swa={"start_epoch":3}"#)
    }
}

@Suite struct StoredSpecCompatibilityTests {
    @Test func specsStoredBeforeTheEngineSettingsStillDecode() throws {
        // A spec as the first schema stored it: no test_count, coarse_labels or engine settings.
        let json = """
            {"dataset":{"labelNoise":0.05,"name":"fashion-mnist","path":"/usr/share/datasets/fashion-mnist",\
            "testLimit":1000,"trainLimit":4000},"estimator":{"ratio":0.7,"subsets":48},"grid":[],\
            "model":{"hidden":[512],"kind":"mlp"},"name":"quickstart","seed":20261128,\
            "training":{"batchSize":128,"learningRate":0.1,"maxEpochs":100,"momentum":0.9,"nesterov":true,\
            "untilTrainAccuracy":0.995,"weightDecay":0}}
            """
        let spec = try JSONDecoder().decode(SweepSpec.self, from: Data(json.utf8))
        #expect(spec.dataset.coarseLabels == false)
        #expect(spec.dataset.testCount == nil)
        #expect(spec.training.engineOptions.isEmpty)
        #expect(try JSONDecoder().decode(SweepSpec.self, from: JSONEncoder().encode(spec)) == spec)
    }
}
