import Foundation

/// A trial's name as the report shows it: the stored name (`key=value` pairs joined by commas, engine
/// settings as JSON) with JSON values written for reading — `objective={"kind":"sam","rho":0.05}`
/// becomes `objective=sam(rho 0.05)`, `objective=null` becomes `objective=none`. Only what the report
/// shows changes: exports and CSV files keep the stored name.
enum TrialLabel {
    /// The label of the trial named `name`.
    static func short(_ name: String) -> String {
        pairs(of: name).map { key, value in key.map { "\($0)=\(readable(value))" } ?? value }.joined(separator: ", ")
    }

    /// The `key=value` pairs of a name, split at the commas outside JSON brackets and strings; a part
    /// without `=` has no key.
    private static func pairs(of name: String) -> [(key: String?, value: String)] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        var inString = false
        var escaped = false
        for character in name {
            if inString {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
            } else if character == "\"" {
                inString = true
            } else if character == "{" || character == "[" {
                depth += 1
            } else if character == "}" || character == "]" {
                depth = max(0, depth - 1)
            } else if character == ",", depth == 0 {
                parts.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        parts.append(current)
        return parts.map { part in
            guard let equals = part.firstIndex(of: "=") else { return (nil, part) }
            return (String(part[..<equals]), String(part[part.index(after: equals)...]))
        }
    }

    /// A JSON value for reading: null as `none`, an object as `kind(key value, …)`, anything else as written.
    private static func readable(_ value: String) -> String {
        if value == "null" { return "none" }
        guard value.hasPrefix("{"),
            let object = try? JSONSerialization.jsonObject(with: Data(value.utf8)) as? [String: Any]
        else { return value }
        let kind = object["kind"].map { "\($0)" }
        let rest = object.keys.filter { $0 != "kind" }.sorted().map { key in "\(key) \(text(object[key]!))" }
        guard let kind else { return rest.joined(separator: ", ") }
        return rest.isEmpty ? kind : "\(kind)(\(rest.joined(separator: ", ")))"
    }

    private static func text(_ value: Any) -> String {
        if let string = value as? String { return string }
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(value)"
    }
}
