import Foundation
import MnemoCore
import Testing

/// Each trial's grid settings (what exports list per trial), for the built-in engine's grid and a
/// command trainer's.
@Suite struct TrialParameterTests {
    @Test func builtInSettingsNameTheirTrialsAndAreJSON() throws {
        let spec = try SweepParser.parse(
            yaml: SweepParserTests.valid + "\n  nesterov: [false]\n  schedule: [{kind: cosine}]", file: "tiny.yaml")
        let trials = spec.trials
        let parameters = spec.trialParameters
        #expect(parameters.count == trials.count)
        #expect(parameters.map(Trial.name(of:)) == trials.map(\.name))
        let last = try #require(parameters.last)
        #expect(last.map(\.key) == ["learning_rate", "hidden", "nesterov", "schedule"])
        #expect(last.map(\.text) == ["0.05", "32-16", "false", #"{"kind":"cosine"}"#])
        #expect(last.map(\.json) == ["0.05", "[32,16]", "false", #"{"kind":"cosine"}"#])
        // Every value is JSON that decodes to what the trial trains with.
        for (trial, settings) in zip(trials, parameters) {
            let rate = try #require(settings.first { $0.key == "learning_rate" })
            #expect(try JSONDecoder().decode(Double.self, from: Data(rate.json.utf8)) == trial.training.learningRate)
            let hidden = try #require(settings.first { $0.key == "hidden" })
            #expect(try JSONDecoder().decode([Int].self, from: Data(hidden.json.utf8)) == trial.model.hidden)
        }
        #expect(spec.parameters(ofTrialNamed: trials[2].name) == parameters[2])
        #expect(spec.parameters(ofTrialNamed: "learning_rate=0.3") == nil)
    }

    @Test func aSweepWithoutAGridHasOneTrialWithoutSettings() throws {
        let spec = try SweepParser.parse(
            yaml: SweepParserTests.valid.components(separatedBy: "grid:")[0], file: "plain.yaml")
        #expect(spec.trialParameters == [[]])
        #expect(spec.parameters(ofTrialNamed: "default") == [])
        #expect(spec.trials.map(\.name) == ["default"])
    }

    @Test func aCommandTrainersSettingsAreTheJSONItsTrialsCarry() throws {
        let spec = try SweepParser.parse(
            yaml: """
                name: own
                seed: 1
                dataset: {name: synthetic}
                trainer: {kind: command, command: "env {params} {out}"}
                params: {width: 8, optimizer: {name: sgd}}
                grid: {width: [8, 16], optimizer: [{name: sgd}, {name: adam, beta: 0.9}]}
                estimator: {subsets: 2}
                """, file: "own.yaml")
        let trials = spec.trials
        let parameters = spec.trialParameters
        #expect(parameters.map(Trial.name(of:)) == trials.map(\.name))
        #expect(trials[3].name == #"width=16,optimizer={"beta":0.9,"name":"adam"}"#)
        for (trial, settings) in zip(trials, parameters) {
            let json = try #require(trial.params)
            let params = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            for setting in settings {
                let value = try JSONSerialization.jsonObject(with: Data(setting.json.utf8), options: .fragmentsAllowed)
                #expect((params[setting.key] as? NSObject) == (value as? NSObject), "\(trial.name): \(setting.key)")
                #expect(setting.text == setting.json)
            }
        }
    }
}
