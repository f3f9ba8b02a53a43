/// One grid setting of a trial: a grid key and the value the trial gives it (see
/// ``SweepSpec/trialParameters``).
public struct TrialParameter: Sendable, Equatable {
    /// The grid key: a built-in setting (`learning_rate`, `hidden`, …) or a key of a command trainer's
    /// settings.
    public let key: String
    /// The value as the trial's name writes it: `0.1`, `true`, `16-16` (hidden widths), or JSON for
    /// engine settings and command trainers' values.
    public let text: String
    /// The value as JSON: `0.1`, `true`, `[16,16]`, `{"kind":"cosine"}`.
    public let json: String

    public init(key: String, text: String, json: String) {
        self.key = key
        self.text = text
        self.json = json
    }
}

extension Trial {
    /// The name of the trial with these grid settings: `key=value` pairs joined by commas, or `default`
    /// without any.
    public static func name(of parameters: [TrialParameter]) -> String {
        parameters.isEmpty ? "default" : parameters.map { "\($0.key)=\($0.text)" }.joined(separator: ",")
    }
}

extension GridValue {
    /// The value as JSON.
    public var json: String {
        switch self {
        case .number(let value): return "\(value)"
        case .integer(let value): return "\(value)"
        case .flag(let value): return "\(value)"
        case .widths(let value): return "[" + value.map(String.init).joined(separator: ",") + "]"
        case .engine(let json): return json
        }
    }
}
