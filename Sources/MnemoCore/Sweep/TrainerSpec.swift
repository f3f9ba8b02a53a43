import Foundation

/// Who trains a sweep's runs when it is not the built-in engine (a sweep's `trainer` is nil then).
///
/// `noop` encodes as the string `"noop"`, as it did before commands existed, so the specs and task ids
/// of stored no-op sweeps do not change; a command encodes as an object.
public enum TrainerSpec: Codable, Sendable, Equatable {
    /// Every run returns at once with no example correct: for measuring the orchestrator alone.
    case noop
    /// The user's own command (see ``CommandTrainer``).
    case command(CommandTrainer)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let name = try? container.decode(String.self) {
            guard name == "noop" else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown trainer '\(name)'")
            }
            self = .noop
            return
        }
        self = .command(try container.decode(CommandTrainer.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .noop: try container.encode("noop")
        case .command(let command): try container.encode(command)
        }
    }

    /// The command, for a command trainer.
    public var command: CommandTrainer? {
        if case .command(let command) = self { return command }
        return nil
    }
}

/// A sweep's own training command (`trainer: {kind: command, …}` in the sweep file).
///
/// Its identity — part of every task id — is the template, the added environment, and either the
/// SHA-256 of every file the command names or, when the sweep declares one, its `version`: editing the
/// training script is refused like a changed dataset unless a new version says the edit is compatible.
public struct CommandTrainer: Codable, Sendable, Equatable {
    /// The command line as written, with its `{placeholders}`.
    public var template: String
    /// Seconds a run may take before its process group is killed; nil for no limit.
    public var timeout: Double?
    /// The folder the command starts in (absolute; by default the sweep file's folder).
    public var workdir: String
    /// Variables added to the worker's environment.
    public var environment: [String: String]
    /// How often a failed run is tried again (failures that are not transient included).
    public var retries: Int
    /// GPUs each run needs; runs that need some go only to workers that have them.
    public var gpus: Int
    /// Declared by the sweep to keep task ids across compatible edits of the files; nil to hash them.
    public var version: String?
    /// The files the command names (scripts), as written, with their SHA-256 when parsed. Empty
    /// hashes when ``version`` is set: the version stands for them.
    public var files: [NamedFile]

    public init(
        template: String, timeout: Double?, workdir: String, environment: [String: String], retries: Int, gpus: Int,
        version: String?, files: [NamedFile]
    ) {
        self.template = template
        self.timeout = timeout
        self.workdir = workdir
        self.environment = environment
        self.retries = retries
        self.gpus = gpus
        self.version = version
        self.files = files
    }

    /// A file the command names: its path as written (relative to ``workdir`` unless absolute) and the
    /// hex SHA-256 of its content ("" when the trainer's version stands for it).
    public struct NamedFile: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String

        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    /// What identifies the trainer: its template, environment, files (or version); the operational
    /// settings (timeout, retries, GPUs, work folder) are blanked.
    public var identity: CommandTrainer {
        var identity = self
        (identity.timeout, identity.retries, identity.gpus, identity.workdir) = (nil, 0, 0, "")
        return identity
    }

    /// The absolute path of `path` (a word of the command).
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: workdir).appendingPathComponent(path).path
    }
}
