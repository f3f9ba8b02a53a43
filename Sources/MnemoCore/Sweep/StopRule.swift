/// `estimator.stop_when`: end a trial early once its memorization estimates are precise enough. The
/// coordinator checks it as results are committed and cancels the trial's remaining tasks when it is
/// met; the runs done are exactly what they would have been without the rule.
public struct StopRule: Codable, Sendable, Equatable {
    /// Which training examples must have precise estimates.
    public enum Examples: Codable, Sendable, Equatable {
        /// Every training example.
        case all
        /// The planted label flips.
        case flipped
        /// These training examples.
        case indices([Int])

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let indices = try? container.decode([Int].self) {
                self = .indices(indices)
            } else {
                let name = try container.decode(String.self)
                switch name {
                case "all": self = .all
                case "flipped": self = .flipped
                default:
                    throw DecodingError.dataCorruptedError(
                        in: container, debugDescription: "stop_when examples: all, flipped or a list of indices, not \(name)")
                }
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .all: try container.encode("all")
            case .flipped: try container.encode("flipped")
            case .indices(let indices): try container.encode(indices)
            }
        }

        /// The training examples meant, among `trainCount` with planted flips `flipped`.
        public func select(trainCount: Int, flipped: [Int]) -> [Int] {
            switch self {
            case .all: Array(0..<trainCount)
            case .flipped: flipped
            case .indices(let indices): indices
            }
        }

        var description: String {
            switch self {
            case .all: "every training example"
            case .flipped: "the flipped examples"
            case .indices(let indices): "\(indices.count) chosen example\(indices.count == 1 ? "" : "s")"
            }
        }
    }

    /// The rule is met when the standard error of mem is below this for every selected example.
    public var memSEBelow: Double
    public var examples: Examples

    enum CodingKeys: String, CodingKey {
        case memSEBelow = "mem_se_below"
        case examples
    }

    public init(memSEBelow: Double, examples: Examples = .all) {
        self.memSEBelow = memSEBelow
        self.examples = examples
    }

    /// What a task cancelled by a stop rule records as its reason; readers and the conclusion tell
    /// those tasks from cancelled ones by it.
    public static let reasonPrefix = "stopped by estimator.stop_when"

    /// The reason recorded on the tasks a met rule cancels.
    public func reason(runs: Int) -> String {
        "\(Self.reasonPrefix): mem SE below \(memSEBelow) for \(examples.description) after \(runs) runs"
    }

    /// Whether `estimates` meet the rule: every selected example has a defined mem whose SE is below
    /// the bound (an undefined estimate, or an empty selection, never meets it).
    public func isMet(by estimates: MemorizationEstimates, flipped: [Int]) -> Bool {
        let selected = examples.select(trainCount: estimates.values.count, flipped: flipped)
        return !selected.isEmpty && selected.allSatisfy { i in
            i < estimates.standardErrors.count && estimates.standardErrors[i] < memSEBelow
        }
    }
}
