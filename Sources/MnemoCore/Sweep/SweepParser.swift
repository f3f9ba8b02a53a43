import Foundation
import Yams

/// Reads and validates a sweep file. Nothing runs on a file this rejects.
///
/// Every error names the file, the line and column, the field path and what is allowed:
/// ```
/// let spec = try SweepParser.parse(contentsOf: "sweeps/quickstart.yaml")
/// ```
public enum SweepParser {
    /// The largest sweep file read, in bytes (1 MiB); real ones are a few hundred.
    public static let maximumFileBytes = 1 << 20

    /// The most runs (grid trials × estimator subsets) a sweep may ask for.
    public static let maximumRuns = 1_000_000

    /// Parses the YAML file at `path`.
    /// - Throws: ``SweepFileError`` for a missing, unreadable, oversized or invalid file.
    public static func parse(contentsOf path: String) throws(SweepFileError) -> SweepSpec {
        let text: String
        do {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                throw SweepFileError(file: path, line: nil, column: nil, path: "", expected: "a sweep file, found a folder")
            }
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            try checkSize(size, file: path)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SweepFileError(file: path, line: nil, column: nil, path: "", expected: "cannot read the sweep file")
            }
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw SweepFileError(file: path, line: nil, column: nil, path: "", expected: "YAML text in UTF-8, found other bytes")
            }
            text = decoded
        } catch let error as SweepFileError {
            throw error
        } catch {
            throw SweepFileError(
                file: path, line: nil, column: nil, path: "",
                expected: "cannot read the sweep file (\(error.localizedDescription))")
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses sweep YAML held in memory; `file` names it in errors, and relative dataset paths resolve
    /// against its folder.
    public static func parse(yaml: String, file: String) throws(SweepFileError) -> SweepSpec {
        try checkSize(yaml.utf8.count, file: file)
        if let found = AnchorScanner.firstAnchorOrAlias(in: yaml) {
            throw SweepFileError(
                file: file, line: found.line, column: found.column, path: "",
                expected: "found a YAML \(found.isAlias ? "alias (*name)" : "anchor (&name)"); anchors and aliases "
                    + "are not supported in sweep files, write each value out in full")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw SweepFileError(file: file, line: nil, column: nil, path: "", expected: "not valid YAML: \(error)")
        }
        guard let root else {
            throw SweepFileError(file: file, line: nil, column: nil, path: "", expected: "the file is empty")
        }
        let top = try NodeReader(node: root, path: "", file: file).mapping(
            allowed: [
                "name", "seed", "dataset", "model", "training", "estimator", "grid", "trainer", "params", "outputs", "analysis",
            ])
        let name = try top.required("name").string(
            matching: "a name of letters, digits, '-', '_' or '.'", maxLength: 100
        ) {
            !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        }
        let seed = try top.required("seed").integer(in: 0...Int.max, what: "a non-negative integer")
        let dataset = try parseDataset(
            top.required("dataset"), directory: URL(fileURLWithPath: file).deletingLastPathComponent())
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        let trainer = try top.optional("trainer").map { reader throws(SweepFileError) in
            try parseTrainer(reader, directory: directory)
        } ?? nil
        let estimator = try parseEstimator(top.required("estimator"))
        var spec: SweepSpec
        if trainer?.command != nil {
            let settings = try parseCommandSettings(
                model: top.optional("model"), training: top.optional("training"), params: top.optional("params"),
                grid: top.optional("grid"))
            spec = SweepSpec(
                name: name, seed: UInt64(seed), dataset: dataset, model: .external, training: .external,
                estimator: estimator, grid: [])
            spec.params = settings.params
            spec.paramGrid = settings.grid
        } else {
            if top.optional("params") != nil {
                throw top.error(at: "params", "params: belongs to a command trainer (trainer: {kind: command, …}); "
                    + "the built-in engine takes model: and training:")
            }
            let (model, convolution) = try parseModel(top.required("model"))
            var training = try parseTraining(top.required("training"))
            if let convolution {
                training.engineOptions = try EngineOptions.merging(convolution, into: training.engineOptions)
            }
            spec = SweepSpec(
                name: name, seed: UInt64(seed), dataset: dataset, model: model, training: training,
                estimator: estimator, grid: try top.optional("grid").map(parseGrid) ?? [])
        }
        spec.trainer = trainer
        spec.outputs = try top.optional("outputs").map(parseOutputs) ?? nil
        let axisSizes = spec.grid.map(\.values.count) + (spec.paramGrid ?? []).map(\.values.count)
        let runs = axisSizes.reduce(Double(estimator.subsets)) { $0 * Double($1) }
        guard runs <= Double(maximumRuns) else {
            throw top.error(
                at: "grid",
                "a sweep of at most \(maximumRuns) runs (trials × subsets), this one makes \(String(format: "%.0f", runs))")
        }
        spec.analysis = try top.optional("analysis").map { reader throws(SweepFileError) in
            try parseAnalysis(reader, trials: axisSizes.reduce(1, *))
        }
        return spec
    }

    private static func parseAnalysis(_ reader: NodeReader, trials: Int) throws(SweepFileError) -> AnalysisSpec {
        let map = try reader.mapping(allowed: ["reference_trial"])
        let reference = try map.optional("reference_trial")?.integer(
            in: 0...(trials - 1), what: "a trial index in 0...\(trials - 1) (the grid makes \(trials) trials)") ?? 0
        return AnalysisSpec(referenceTrial: reference)
    }

    private static func parseModel(_ reader: NodeReader) throws(SweepFileError) -> (ModelSpec, NodeReader?) {
        let map = try reader.mapping(allowed: ["kind", "hidden", "convolution"])
        let kind = try map.required("kind").string(matching: "one of: mlp, softmax, cnn") {
            ["mlp", "softmax", "cnn"].contains($0)
        }
        let hidden = try map.optional("hidden")?.widths() ?? []
        let convolution = map.optional("convolution")
        if kind == "cnn" {
            guard let convolution else {
                throw map.error(at: "kind", "a cnn needs a convolution section, e.g. convolution: {input_shape: [1, 28, 28], channels: [16, 32]}")
            }
            return (ModelSpec(kind: kind, hidden: hidden), convolution)
        }
        if convolution != nil {
            throw map.error(at: "convolution", "only kind: cnn takes a convolution section")
        }
        if kind == "softmax", !hidden.isEmpty {
            throw map.error(at: "hidden", "softmax regression has no hidden layers; use kind: mlp or drop hidden")
        }
        if kind == "mlp", hidden.isEmpty {
            throw map.error(at: "hidden", "an mlp needs at least one hidden width, e.g. hidden: [256]")
        }
        return (ModelSpec(kind: kind, hidden: hidden), nil)
    }

    private static func parseTraining(_ reader: NodeReader) throws(SweepFileError) -> TrainingSpec {
        let map = try reader.mapping(
            allowed: GridKey.allCases.filter { $0 != .hidden && !$0.isEngineOption }.map(\.rawValue)
                + TrainingSpec.engineOptionKeys)
        let options = try EngineOptions.canonicalJSON(
            map.entries.filter { TrainingSpec.engineOptionKeys.contains($0.0) }, of: reader)
        return TrainingSpec(
            batchSize: try map.optional("batch_size")?.integer(in: 1...65_536, what: "an integer in 1...65536") ?? 128,
            learningRate: try map.required("learning_rate").number(in: 1e-9...100, what: "a positive number"),
            momentum: try map.optional("momentum")?.number(in: 0...0.999_999, what: "a number in [0, 1)") ?? 0.9,
            nesterov: try map.optional("nesterov")?.flag() ?? true,
            weightDecay: try map.optional("weight_decay")?.number(in: 0...1, what: "a number in [0, 1]") ?? 0,
            maxEpochs: try map.required("max_epochs").integer(in: 1...100_000, what: "a positive integer"),
            untilTrainAccuracy: try map.optional("until_train_accuracy")?.number(
                in: 0...1, what: "an accuracy in [0, 1]"),
            engineOptions: options)
    }

    private static func parseEstimator(_ reader: NodeReader) throws(SweepFileError) -> EstimatorSpec {
        let map = try reader.mapping(allowed: ["kind", "subsets", "ratio", "masks", "stop_when", "seeds"])
        let kind = try map.optional("kind")?.string(matching: "fz (subsets, the default) or loo (exact leave-one-out)") {
            ["fz", "loo"].contains($0)
        } ?? "fz"
        if kind == "loo" {
            for key in ["subsets", "ratio", "masks", "stop_when"] where map.optional(key) != nil {
                throw map.error(
                    at: key, "leave-one-out trains n + 1 runs per seed: it takes seeds: N (default 8), not \(key)")
            }
            let seeds = try map.optional("seeds")?.integer(in: 1...1000, what: "a number of seeds in 1...1000") ?? 8
            return EstimatorSpec(subsets: seeds, ratio: 1, masks: .leaveOneOut)
        }
        if map.optional("seeds") != nil {
            throw map.error(at: "seeds", "seeds: belongs to kind: loo; subset estimates take subsets: N")
        }
        let schemes: [MaskScheme] = [.random, .balanced]
        let masks = try map.optional("masks").map { reader throws(SweepFileError) in
            MaskScheme(
                rawValue: try reader.string(matching: "one of: \(schemes.map(\.rawValue).joined(separator: ", "))") {
                    schemes.map(\.rawValue).contains($0)
                })!
        } ?? .random
        let subsetsReader = try map.required("subsets")
        let subsets = try subsetsReader.integer(in: 2...100_000, what: "an integer in 2...100000")
        let ratioReader = map.optional("ratio")
        let ratio = try ratioReader?.number(in: 0.01...0.99, what: "a fraction in [0.01, 0.99]") ?? (masks == .balanced ? 0.5 : 0.7)
        if masks == .balanced {
            if let ratioReader, ratio != 0.5 {
                throw ratioReader.error(
                    "balanced masks need ratio: 0.5 (each run holds half the examples, its pair the other half), found \(ratio)")
            }
            if !subsets.isMultiple(of: 2) {
                throw subsetsReader.error(
                    "balanced masks need an even number of subsets (runs come in complementary pairs), found \(subsets)")
            }
        }
        let stopWhen = try map.optional("stop_when").map { reader throws(SweepFileError) in try parseStopRule(reader) }
        if stopWhen != nil, masks == .balanced {
            throw map.error(
                at: "stop_when",
                "stop_when with balanced masks could stop between a run and its complement, and every example would no "
                    + "longer be in half the runs: drop one of them")
        }
        return EstimatorSpec(subsets: subsets, ratio: ratio, masks: masks, stopWhen: stopWhen)
    }

    /// `stop_when: {mem_se_below: 0.05, examples: all | flipped | [indices]}`.
    private static func parseStopRule(_ reader: NodeReader) throws(SweepFileError) -> StopRule {
        let map = try reader.mapping(allowed: ["mem_se_below", "examples"])
        let bound = try map.required("mem_se_below").number(in: 1e-6...1, what: "a standard error in (0, 1], e.g. 0.05")
        guard let examplesReader = map.optional("examples") else { return StopRule(memSEBelow: bound) }
        if case .sequence = examplesReader.node {
            let items = try examplesReader.sequence(what: "a list of training example indices")
            if items.isEmpty { throw examplesReader.error("at least one training example index") }
            var indices: [Int] = []
            for item in items { indices.append(try item.integer(in: 0...Int(Int32.max), what: "a training example index")) }
            return StopRule(memSEBelow: bound, examples: .indices(indices))
        }
        let name = try examplesReader.string(matching: "all, flipped, or a list of training example indices") {
            ["all", "flipped"].contains($0)
        }
        return StopRule(memSEBelow: bound, examples: name == "all" ? .all : .flipped)
    }

    /// `outputs: [correctness, margin, …]`: the further outputs, sorted, or nil for correctness only.
    private static func parseOutputs(_ reader: NodeReader) throws(SweepFileError) -> [RunOutput]? {
        let names = RunOutput.allCases.map(\.rawValue).joined(separator: ", ")
        var outputs: Set<RunOutput> = []
        for item in try reader.sequence(what: "a list of outputs, e.g. [correctness, margin]") {
            let name = try item.string(matching: "one of: \(names)") { RunOutput(rawValue: $0) != nil }
            guard outputs.insert(RunOutput(rawValue: name)!).inserted else { throw item.error("each output once: '\(name)' repeats") }
        }
        let further = outputs.subtracting([.correctness]).sorted()
        return further.isEmpty ? nil : further
    }

    private static func parseGrid(_ reader: NodeReader) throws(SweepFileError) -> [GridAxis] {
        let map = try reader.mapping(allowed: GridKey.allCases.map(\.rawValue))
        var axes: [GridAxis] = []
        for (name, valuesReader) in map.entries {
            guard let key = GridKey(rawValue: name) else { continue }
            let items = try valuesReader.sequence(what: "a list of values, e.g. [0.1, 0.05]")
            if items.isEmpty { throw valuesReader.error("a grid axis needs at least one value") }
            var values: [GridValue] = []
            for item in items {
                if key.isEngineOption {
                    values.append(.engine(try EngineOptions.canonicalJSON(of: item)))
                    continue
                }
                switch key {
                case .learningRate: values.append(.number(try item.number(in: 1e-9...100, what: "a positive number")))
                case .momentum: values.append(.number(try item.number(in: 0...0.999_999, what: "a number in [0, 1)")))
                case .weightDecay: values.append(.number(try item.number(in: 0...1, what: "a number in [0, 1]")))
                case .untilTrainAccuracy: values.append(.number(try item.number(in: 0...1, what: "an accuracy in [0, 1]")))
                case .nesterov: values.append(.flag(try item.flag()))
                case .batchSize: values.append(.integer(try item.integer(in: 1...65_536, what: "an integer in 1...65536")))
                case .maxEpochs: values.append(.integer(try item.integer(in: 1...100_000, what: "a positive integer")))
                case .hidden: values.append(.widths(try item.widths()))
                default: preconditionFailure("engine settings are handled above")
                }
            }
            axes.append(GridAxis(key: key, values: values))
        }
        return axes
    }

    private static func checkSize(_ bytes: Int, file: String) throws(SweepFileError) {
        guard bytes <= maximumFileBytes else {
            throw SweepFileError(
                file: file, line: nil, column: nil, path: "",
                expected: "a sweep file of at most \(maximumFileBytes) bytes, found \(bytes) bytes")
        }
    }

    private static func syntaxError(_ error: YamlError, file: String) -> SweepFileError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return SweepFileError(
                file: file, line: mark.line, column: mark.column, path: "", expected: "YAML syntax error: \(problem)")
        default:
            return SweepFileError(file: file, line: nil, column: nil, path: "", expected: "not valid YAML: \(error)")
        }
    }
}
