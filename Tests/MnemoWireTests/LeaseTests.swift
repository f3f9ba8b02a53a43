import Foundation
import MnemoCore
import MnemoWire
import Testing

/// A lease shares one spec per trial on the wire and gives back every task's full spec.
@Suite struct LeaseTests {
    static let sweep = try! SweepParser.parse(
        yaml: """
            name: lease
            seed: 9
            dataset: {name: synthetic, synthetic: {class_count: 2, dimension: 4, common_modes_per_class: 1, common_mode_size: 5, rare_modes_per_class: 0, common_test_size: 5}}
            model: {kind: softmax}
            training: {batch_size: 10, learning_rate: 0.1, max_epochs: 1}
            estimator: {subsets: 4}
            grid: {learning_rate: [0.1, 0.2]}
            """, file: "lease.yaml")

    static func task(trial: Int, subset: Int) -> LeasedTask {
        let spec = TaskSpec(
            sweep: sweep, trial: sweep.trials[trial], subset: subset, datasetHash: "h", trainCount: 10, engineVersion: "e")
        return LeasedTask(taskId: spec.id, attempt: subset + 1, spec: spec)
    }

    @Test func tasksOfATrialShareOneTemplateAndRoundTrip() throws {
        let tasks = [Self.task(trial: 0, subset: 0), Self.task(trial: 0, subset: 3), Self.task(trial: 1, subset: 2)]
        let lease = Lease(tasks: tasks)
        #expect(lease.templates.count == 2)
        let decoded = try Envelope.decode(try Envelope(type: .lease, header: lease).encode()).decodeHeader(Lease.self)
        #expect(try decoded.tasks() == tasks)
    }

    @Test func anEntryNamingAMissingTemplateIsAFrameError() throws {
        var lease = Lease(tasks: [Self.task(trial: 0, subset: 1)])
        lease.entries[0].template = 5
        #expect(throws: FrameError.self) { try lease.tasks() }
    }
}
