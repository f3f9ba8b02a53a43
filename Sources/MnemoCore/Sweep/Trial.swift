import Foundation

/// One point of a sweep's grid: the shared settings with the grid's values applied.
public struct Trial: Codable, Sendable, Equatable {
    /// Position in the cartesian product, in file order of the axes (last axis varies fastest).
    public let index: Int
    /// `key=value` pairs joined by commas, or `default` for a sweep without a grid.
    public let name: String
    /// The model with any `hidden` override applied.
    public let model: ModelSpec
    /// Training settings with the grid's overrides applied.
    public let training: TrainingSpec
    /// A command trainer's settings with the grid's values applied (canonical JSON); nil for the
    /// built-in engine.
    public var params: String? = nil
}

extension SweepSpec {
    /// The trials of this sweep: the cartesian product of the grid axes, or one `default` trial.
    public var trials: [Trial] {
        let points = trialParameters
        if paramGrid != nil, let params {
            return points.enumerated().map { index, settings in
                let merged = settings.reduce(params) { EngineOptions.setting($1.key, toJSON: $1.json, in: $0) }
                return Trial(
                    index: index, name: Trial.name(of: settings), model: model, training: training,
                    params: merged.isEmpty ? "{}" : merged)
            }
        }
        let assignments = Self.product(grid.map { axis in axis.values.map { (axis.key, $0) } })
        return zip(assignments, points).enumerated().map { index, point in
            var model = self.model
            var training = self.training
            for (key, value) in point.0 {
                Self.apply(key, value, model: &model, training: &training)
            }
            return Trial(index: index, name: Trial.name(of: point.1), model: model, training: training)
        }
    }

    /// Each trial's grid settings, in the order of ``trials``, axes in file order; one empty list for
    /// a sweep without a grid.
    public var trialParameters: [[TrialParameter]] {
        if let paramGrid, params != nil {
            return Self.product(
                paramGrid.map { axis in axis.values.map { TrialParameter(key: axis.key, text: $0, json: $0) } })
        }
        return Self.product(
            grid.map { axis in
                axis.values.map { TrialParameter(key: axis.key.rawValue, text: $0.description, json: $0.json) }
            })
    }

    /// The accuracy a run of the trial named `name` must reach on its own subset (the built-in engine's
    /// `until_train_accuracy`); nil for command trainers, without a target, or for an unknown trial.
    public func fitTarget(ofTrialNamed name: String) -> Double? {
        guard trainer?.command == nil else { return nil }
        return trials.first { $0.name == name }?.training.untilTrainAccuracy
    }

    /// The grid settings of the trial named `name` (as stored), or nil when this spec has no such trial.
    public func parameters(ofTrialNamed name: String) -> [TrialParameter]? {
        trialParameters.first { Trial.name(of: $0) == name }
    }

    /// The cartesian product of `axes`, the last varying fastest: one empty combination without axes.
    private static func product<Value>(_ axes: [[Value]]) -> [[Value]] {
        axes.reduce([[]]) { combinations, values in combinations.flatMap { prefix in values.map { prefix + [$0] } } }
    }

    private static func apply(_ key: GridKey, _ value: GridValue, model: inout ModelSpec, training: inout TrainingSpec) {
        switch (key, value) {
        case (.learningRate, .number(let v)): training.learningRate = v
        case (.momentum, .number(let v)): training.momentum = v
        case (.weightDecay, .number(let v)): training.weightDecay = v
        case (.untilTrainAccuracy, .number(let v)): training.untilTrainAccuracy = v
        case (.nesterov, .flag(let v)): training.nesterov = v
        case (.batchSize, .integer(let v)): training.batchSize = v
        case (.maxEpochs, .integer(let v)): training.maxEpochs = v
        case (.hidden, .widths(let v)):
            model.hidden = v
            if model.kind != "cnn" { model.kind = v.isEmpty ? "softmax" : "mlp" }
        case (_, .engine(let json)) where key.isEngineOption:
            training.engineOptions = EngineOptions.setting(key.rawValue, toJSON: json, in: training.engineOptions)
        default:
            preconditionFailure("the parser pairs each grid key with its value kind; \(key) got \(value)")
        }
    }
}

extension Trial {
    /// This trial under another index: a grown sweep keeps the index each trial had when first stored,
    /// so its task ids (which hash the index) and its results stay where they are.
    public func reindexed(to index: Int) -> Trial {
        Trial(index: index, name: name, model: model, training: training, params: params)
    }
}
