import Foundation
import MnemoCore
import Testing

@Suite struct TaskSpecTests {
    let sweep = try! SweepParser.parse(yaml: SweepParserTests.valid, file: "tiny.yaml")

    func task(trial: Int = 0, subset: Int = 0, hash: String = "abc", engine: String = "e1") -> TaskSpec {
        TaskSpec(
            sweep: sweep, trial: sweep.trials[trial], subset: subset, datasetHash: hash, trainCount: 100,
            engineVersion: engine)
    }

    @Test func idIsStableAndCoversEverythingThatChangesTheResult() {
        #expect(task().id == task().id)
        #expect(task().id.count == 64)
        #expect(Set([task().id, task(trial: 1).id, task(subset: 1).id, task(hash: "abd").id, task(engine: "e2").id]).count == 5)
    }

    @Test func trialsOfASubsetShareMaskAndTrainingSeed() {
        #expect(task(trial: 0, subset: 2).mask == task(trial: 3, subset: 2).mask)
        #expect(task(trial: 0, subset: 2).trainingSeed == task(trial: 3, subset: 2).trainingSeed)
        #expect(task(subset: 2).trainingSeed != task(subset: 3).trainingSeed)
    }
}

extension TaskSpecTests {
    @Test func aSpecForAnotherSubsetEqualsTheSpecBuiltForIt() {
        #expect(task(trial: 1, subset: 0).forSubset(7) == task(trial: 1, subset: 7))
        let (json, id) = task(subset: 3).canonicalJSONAndID()
        #expect(json == task(subset: 3).canonicalJSON() && id == task(subset: 3).id)
    }
}

extension TaskSpecTests {
    @Test func canonicalFormsOfManySubsetsEqualEncodingEachOne() {
        let template = task(trial: 2, subset: 0)
        let forms = template.canonicalForms(subsets: 0..<40)
        for (subset, form) in forms.enumerated() {
            #expect(form.json == template.forSubset(subset).canonicalJSON(), "subset \(subset)")
            #expect(form.id == task(trial: 2, subset: subset).id)
        }
    }
}

extension TaskSpecTests {
    @Test func theBuiltInTrainerLeavesSpecsAndIdsAsTheyWere() throws {
        #expect(!String(decoding: task().canonicalJSON(), as: UTF8.self).contains("trainer"))
        let noop = try SweepParser.parse(yaml: SweepParserTests.valid + "\ntrainer: {kind: noop}", file: "noop.yaml")
        let spec = TaskSpec(sweep: noop, trial: noop.trials[0], subset: 0, datasetHash: "abc", trainCount: 100, engineVersion: "e1")
        #expect(spec.trainer == .noop)
        // A no-op trainer still encodes as the string it was before commands existed: stored ids hold.
        #expect(String(decoding: spec.canonicalJSON(), as: UTF8.self).contains("\"trainer\":\"noop\""))
        #expect(spec.id != task().id)
        #expect(throws: SweepFileError.self) {
            try SweepParser.parse(yaml: SweepParserTests.valid + "\ntrainer: {kind: pytorch}", file: "bad.yaml")
        }
    }
}

extension TaskSpecTests {
    @Test func aBalancedSweepsTasksCarryTheSchemeToTheWorkersMask() throws {
        #expect(!String(decoding: task().canonicalJSON(), as: UTF8.self).contains("masks"), "random masks keep stored ids")
        let balanced = try SweepParser.parse(
            yaml: SweepParserTests.valid.replacingOccurrences(of: "subsets: 4", with: "subsets: 4\n  masks: balanced"),
            file: "balanced.yaml")
        for subset in 0..<4 {
            let spec = TaskSpec(
                sweep: balanced, trial: balanced.trials[0], subset: subset, datasetHash: "abc", trainCount: 100, engineVersion: "e1")
            // The worker decodes the spec from the lease and draws the mask the readers draw.
            let received = try JSONDecoder().decode(TaskSpec.self, from: spec.canonicalJSON())
            #expect(received.mask == balanced.mask(subset: subset, count: 100))
            #expect(received.mask.members.count == 50)
        }
    }
}

extension TaskSpecTests {
    @Test func leaveOneOutRunsOfASeedShareItsTrainingSeedAndLeaveOneExampleOut() throws {
        let loo = try SweepParser.parse(
            yaml: SweepParserTests.valid.replacingOccurrences(of: "subsets: 4", with: "kind: loo\n  seeds: 3"), file: "loo.yaml")
        #expect(loo.estimator.masks == .leaveOneOut && loo.estimator.runs(trainCount: 100) == 303)
        func spec(_ subset: Int) -> TaskSpec {
            TaskSpec(sweep: loo, trial: loo.trials[0], subset: subset, datasetHash: "abc", trainCount: 100, engineVersion: "e1")
        }
        #expect(spec(0).mask.members.count == 100, "run 0 of a seed trains on every example")
        #expect(spec(5).mask.members.count == 99 && !spec(5).mask.isMember[4], "run p leaves example p − 1 out")
        #expect(spec(101 + 5).mask.isMember == spec(5).mask.isMember, "every seed leaves out the same examples")
        #expect(Set((0...100).map { spec($0).trainingSeed }).count == 1, "one training seed per seed")
        #expect(spec(0).trainingSeed != spec(101).trainingSeed)
        #expect(spec(0).forSubset(150) == spec(150))
        let forms = spec(0).canonicalForms(subsets: 0..<303)
        #expect(forms[150].json == spec(150).canonicalJSON())
    }
}
