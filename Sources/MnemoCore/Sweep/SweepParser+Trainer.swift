import Crypto
import Foundation
import Yams

extension SweepParser {
    /// `trainer: {kind: builtin}` (the default: nil), `{kind: noop}` (every run returns at once with no
    /// example correct: for measuring the orchestrator alone) or `{kind: command, command: "…", …}`.
    static func parseTrainer(_ reader: NodeReader, directory: URL) throws(SweepFileError) -> TrainerSpec? {
        let kindReader = try reader.mapping(allowed: nil).required("kind")
        let kind = try kindReader.string(matching: "builtin, command or noop") {
            ["builtin", "command", "noop"].contains($0)
        }
        guard kind == "command" else {
            _ = try reader.mapping(allowed: ["kind"])
            return kind == "builtin" ? nil : .noop
        }
        let map = try reader.mapping(
            allowed: ["kind", "command", "timeout", "workdir", "env", "retries", "requires", "version"])
        let commandReader = try map.required("command")
        let template = try commandReader.string(matching: "a command line", maxLength: 4_096) { !$0.isEmpty }
        let words: CommandTemplate
        do {
            words = try CommandTemplate(parsing: template)
        } catch {
            throw commandReader.error("a command Mnemo can run: \(error.description)")
        }
        let workdir: String
        if let workdirReader = map.optional("workdir") {
            let path = try workdirReader.string(matching: "a folder", maxLength: 4_096) { !$0.isEmpty }
            workdir = path.hasPrefix("/") ? path : directory.appendingPathComponent(path).standardizedFileURL.path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: workdir, isDirectory: &isFolder), isFolder.boolValue else {
                throw workdirReader.error("an existing folder, \(workdir) is not one")
            }
        } else {
            workdir = directory.standardizedFileURL.path
        }
        var environment: [String: String] = [:]
        if let envReader = map.optional("env") {
            let entries = try envReader.mapping(allowed: nil).entries
            guard entries.count <= 256 else { throw envReader.error("at most 256 variables, found \(entries.count)") }
            for (name, value) in entries {
                guard !name.isEmpty, name.count <= 256, !name.contains("="), !name.contains("\0") else {
                    throw value.error("a variable name without '=' of at most 256 characters")
                }
                environment[name] = try value.string(matching: "a string value", maxLength: 16_384) { !$0.contains("\0") }
            }
        }
        let version = try map.optional("version")?.string(matching: "a version label", maxLength: 100) { !$0.isEmpty }
        var files: [CommandTrainer.NamedFile] = []
        let probe = CommandTrainer(
            template: template, timeout: nil, workdir: workdir, environment: [:], retries: 0, gpus: 0, version: nil, files: [])
        for path in words.scriptFiles {
            let absolute = probe.resolve(path)
            guard let content = Self.regularFile(absolute) else {
                throw commandReader.error("a command whose scripts exist: \(path) (at \(absolute)) is not a readable file")
            }
            files.append(CommandTrainer.NamedFile(path: path, sha256: version == nil ? Self.sha256(content) : ""))
        }
        for path in words.configFiles where !files.contains(where: { $0.path == path }) {
            guard let content = Self.regularFile(probe.resolve(path)) else { continue }
            files.append(CommandTrainer.NamedFile(path: path, sha256: version == nil ? Self.sha256(content) : ""))
        }
        var gpus = 0
        if let requires = map.optional("requires") {
            gpus = try requires.mapping(allowed: ["gpus"]).optional("gpus")?.integer(
                in: 0...64, what: "a number of GPUs in 0...64") ?? 0
        }
        return .command(
            CommandTrainer(
                template: template, timeout: try map.optional("timeout").map(parseDuration), workdir: workdir,
                environment: environment,
                retries: try map.optional("retries")?.integer(in: 0...100, what: "an integer in 0...100") ?? 0,
                gpus: gpus, version: version, files: files))
    }

    /// The content of the regular file at `path`, or nil (missing, a folder, unreadable).
    private static func regularFile(_ path: String) -> Data? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { return nil }
        return FileManager.default.contents(atPath: path)
    }

    private static func sha256(_ data: Data) -> String {
        Hex.sha256(data)
    }

    /// Seconds, as a number or a number with `s`, `m` or `h` (`90`, `45s`, `30m`, `2h`).
    private static func parseDuration(_ reader: NodeReader) throws(SweepFileError) -> Double {
        let what = "a duration: seconds, or a number with s, m or h (e.g. 90, 30m, 2h)"
        if case .scalar = reader.node, let seconds = reader.node.float {
            guard seconds.isFinite, seconds > 0, seconds <= 30 * 86_400 else { throw reader.error(what + ", at most 30 days") }
            return seconds
        }
        let text = try reader.string(matching: what, maxLength: 32) { _ in true }
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600]
        guard let unit = text.last.flatMap({ units[$0] }), let value = Double(text.dropLast()), value.isFinite,
            value > 0, value * unit <= 30 * 86_400
        else { throw reader.error(what + ", at most 30 days") }
        return value * unit
    }

    /// A command trainer's settings: the free-form `training:` and `params:` sections (and `model:`,
    /// under the key `model`) merged into one canonical JSON object, no key twice, and the grid over any
    /// of its keys.
    static func parseCommandSettings(
        model: NodeReader?, training: NodeReader?, params: NodeReader?, grid: NodeReader?
    ) throws(SweepFileError) -> (params: String, grid: [ParamAxis]) {
        var entries: [(String, NodeReader)] = []
        if let model { entries.append(("model", model)) }
        for section in [training, params].compactMap({ $0 }) {
            for (key, value) in try section.mapping(allowed: nil).entries {
                if entries.contains(where: { $0.0 == key }) {
                    throw value.error("each setting once: '\(key)' is already set in another section")
                }
                if Self.reservedParamKeys.contains(key) {
                    throw value.error("a setting of your own: '\(key)' is filled in by Mnemo for every run")
                }
                entries.append((key, value))
            }
        }
        let anchor = params ?? training ?? model
        let json = try anchor.map { reader throws(SweepFileError) in try EngineOptions.canonicalJSON(entries, of: reader) } ?? ""
        var axes: [ParamAxis] = []
        if let grid {
            for (key, valuesReader) in try grid.mapping(allowed: nil).entries {
                guard entries.contains(where: { $0.0 == key }) else {
                    throw valuesReader.error(
                        "a key of training: or params: (a command trainer's grid varies its settings); '\(key)' is in neither")
                }
                let items = try valuesReader.sequence(what: "a list of values, e.g. [0.1, 0.05]")
                if items.isEmpty { throw valuesReader.error("a grid axis needs at least one value") }
                var values: [String] = []
                for item in items {
                    values.append(try EngineOptions.canonicalJSON(of: item))
                }
                axes.append(ParamAxis(key: key, values: values))
            }
        }
        return (json.isEmpty ? "{}" : json, axes)
    }

    /// The keys of a run's `{params}` file that Mnemo fills in.
    static let reservedParamKeys = ["trial", "subset", "seed", "class_count", "outputs"]
}
