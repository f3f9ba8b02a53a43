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
