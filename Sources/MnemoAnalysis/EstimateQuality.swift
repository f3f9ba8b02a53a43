import Foundation
import MnemoCore

/// What limits a trial's estimates, said out loud by `scores`, `export`, `compare` and the end-of-run
/// headline: runs still to come, training examples whose memorization is undefined because no run left
/// them out (or none trained on them), and runs that never fit their subsets.
public struct EstimateQuality: Codable, Sendable, Equatable {
    public var tasksDone: Int
    public var tasksTotal: Int
    /// Training examples in every run's subset: no run left them out, so mem is undefined (NaN).
    public var neverLeftOut: Int
    /// Training examples in no run's subset: no run trained on them, so mem is undefined (NaN).
    public var neverTrainedOn: Int
    /// With random masks, the fewest subsets at which fewer than half an example is expected to be
    /// uncovered (never in or never out); nil when every example is covered.
    public var subsetsToCover: Int?
    /// The accuracy each run should reach on its own subset (`until_train_accuracy`), if any.
    public var fitTarget: Double?
    /// Runs that ended below ``fitTarget``.
    public var runsBelowFitTarget: Int
    /// The runs aggregated.
    public var runs: Int
    /// Why the trial's remaining tasks were cancelled when its stop rule (`estimator.stop_when`) was
    /// met; nil when it was not stopped.
    public var stopReason: String?

    enum CodingKeys: String, CodingKey {
        case runs
        case tasksDone = "tasks_done"
        case tasksTotal = "tasks_total"
        case neverLeftOut = "never_left_out"
        case neverTrainedOn = "never_trained_on"
        case subsetsToCover = "subsets_to_cover"
        case fitTarget = "fit_target"
        case runsBelowFitTarget = "runs_below_fit_target"
        case stopReason = "stopped"
    }

    /// Some of the trial's runs are not done yet and will be: the estimates will move.
    public var partial: Bool { tasksDone < tasksTotal && stopReason == nil }

    /// The quality of `analysis`, a trial with `tasksDone` of `tasksTotal` runs finished, stopped early
    /// for `stopReason` (nil when it was not).
    public init(analysis: TrialAnalysis, tasksDone: Int, tasksTotal: Int, stopReason: String? = nil) {
        self.tasksDone = tasksDone
        self.tasksTotal = tasksTotal
        self.stopReason = stopReason
        let runs = analysis.runs
        self.runs = runs
        let inCounts = analysis.accumulator.trainInCounts
        neverLeftOut = inCounts.count { $0 == runs }
        neverTrainedOn = inCounts.count { $0 == 0 }
        fitTarget = analysis.fitTarget
        runsBelowFitTarget = analysis.runsBelowFitTarget
        subsetsToCover = nil
        if neverLeftOut + neverTrainedOn > 0, analysis.sweep.estimator.masks == .random {
            let n = inCounts.count
            let inside = Double(SubsetMask.size(count: n, ratio: analysis.sweep.estimator.ratio)) / Double(max(n, 1))
            subsetsToCover = Self.subsetsToCover(examples: n, membership: inside, from: runs)
        }
    }

    /// The fewest subsets, at least `from`, at which `examples · (p^M + (1 − p)^M) < 0.5`: the expected
    /// number of examples every subset holds or none does, for independent subsets that each hold an
    /// example with probability `p`.
    static func subsetsToCover(examples: Int, membership p: Double, from runs: Int) -> Int? {
        guard p > 0, p < 1 else { return nil }
        var subsets = max(runs, 1)
        while Double(examples) * (pow(p, Double(subsets)) + pow(1 - p, Double(subsets))) >= 0.5 {
            subsets += 1
            if subsets > 100_000 { return nil }
        }
        return subsets
    }

    /// One line per limit, empty when there is none to report.
    public var warnings: [String] {
        var lines: [String] = []
        if partial {
            lines.append("partial: \(tasksDone) of \(tasksTotal) runs (estimates will move)")
        }
        if let stopReason {
            lines.append("\(stopReason); \(tasksDone) of \(tasksTotal) runs done, the others were not needed")
        }
        let undefined = neverLeftOut + neverTrainedOn
        if undefined > 0 {
            var line = "undefined mem (NaN) for \(undefined) training examples: \(neverLeftOut) in every run's subset, "
                + "\(neverTrainedOn) in none"
            if let subsetsToCover {
                line += "; about \(subsetsToCover) subsets would cover them all (masks: balanced covers every example from 2)"
            }
            lines.append(line)
        }
        if let fitTarget, runsBelowFitTarget > 0 {
            lines.append(
                "\(runsBelowFitTarget) of \(runs) runs ended below the fit target (until_train_accuracy "
                    + "\(fitTarget)): memorization is measured on models that fit their subsets; raise max_epochs "
                    + "or the learning rate")
        }
        return lines
    }
}

extension EstimateQuality {
    /// The stop-rule reason recorded on trial `trialIndex`'s cancelled tasks, if its rule stopped it.
    static func stopReason(in reasons: [Int: [String]], trialIndex: Int) -> String? {
        reasons[trialIndex]?.first { $0.hasPrefix(StopRule.reasonPrefix) }
    }
}
