import MnemoAnalysis
import MnemoCore

/// A trial's name as the report shows it: its grid settings (`SweepComparison.Row.params`, parsed
/// already) as `key=value` pairs in key order, JSON values written for reading —
/// `objective={"kind":"sam","rho":0.05}` becomes `objective=sam(rho 0.05)`, `objective=null` becomes
/// `objective=none`. Only what the report shows changes: exports and CSV files keep the stored name.
enum TrialLabel {
    /// The label of the trial of `row`: its stored name when it has no grid settings (`default`).
    static func of(_ row: SweepComparison.Row) -> String {
        guard !row.params.isEmpty else { return row.name }
        return row.params.keys.sorted().map { "\($0)=\(readable(row.params[$0]!))" }.joined(separator: ", ")
    }

    /// A value for reading: null as `none`, an object as `kind(key value, …)`, strings unquoted.
    private static func readable(_ value: JSONValue) -> String {
        switch value {
        case .null: return "none"
        case .bool(let flag): return "\(flag)"
        case .integer(let number): return "\(number)"
        case .number(let number): return "\(number)"
        case .string(let text): return text
        case .array(let items): return "[" + items.map(readable).joined(separator: ",") + "]"
        case .object(let fields):
            let rest = fields.keys.filter { $0 != "kind" }.sorted().map { "\($0) \(readable(fields[$0]!))" }
            guard let kind = fields["kind"] else { return rest.joined(separator: ", ") }
            return rest.isEmpty ? readable(kind) : "\(readable(kind))(\(rest.joined(separator: ", ")))"
        }
    }
}
