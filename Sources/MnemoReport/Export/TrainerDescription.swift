import MnemoCore

/// What trained a sweep's runs, as `summary.json` records it under `trainer`: the built-in engine and
/// its version, the no-op trainer, or the user's command with the files it names and their SHA-256.
public struct TrainerDescription: Encodable, Sendable, Equatable {
    /// `builtin`, `noop` or `command`.
    public var kind: String
    /// The built-in engine's version (`mnemo-learn-3`); nil for other trainers.
    public var engineVersion: String?
    /// The command line as written in the sweep file, with its `{placeholders}`.
    public var command: String?
    /// The files the command names, with their SHA-256 ("" when ``version`` stands for them).
    public var files: [CommandTrainer.NamedFile]?
    /// The command's declared version, if the sweep declares one.
    public var version: String?

    enum CodingKeys: String, CodingKey {
        case kind, command, files, version
        case engineVersion = "engine_version"
    }

    /// - Parameters:
    ///   - trainer: the sweep's trainer (nil: the built-in engine).
    ///   - engineVersion: the engine version the sweep's tasks were registered with.
    public init(trainer: TrainerSpec?, engineVersion: String) {
        switch trainer {
        case nil:
            kind = "builtin"
            self.engineVersion = engineVersion
        case .noop:
            kind = "noop"
        case .command(let command):
            kind = "command"
            self.command = command.template
            files = command.files
            version = command.version
        }
    }
}
