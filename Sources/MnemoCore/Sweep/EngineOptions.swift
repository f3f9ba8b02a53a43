import Foundation
import Yams

/// Turns the engine's settings in a sweep file into canonical JSON (sorted keys), the form in which
/// they travel inside task specs to the training engine, which decodes and validates them.
public enum EngineOptions {
    /// The longest canonical JSON accepted for one section's settings, in bytes: they travel in every
    /// task spec, whose messages are bounded.
    public static let maximumJSONBytes = 16_384

    /// Canonical JSON of `entries` (key → YAML node) of the mapping `section`, or "" when there are none.
    static func canonicalJSON(
        _ entries: [(String, NodeReader)], of section: NodeReader
    ) throws(SweepFileError) -> String {
        guard !entries.isEmpty else { return "" }
        var object: [String: Any] = [:]
        for (key, reader) in entries {
            object[key] = try plain(reader)
        }
        return try bounded(encode(object), from: section)
    }

    /// Adds the model's `convolution` section to existing options.
    static func merging(_ convolution: NodeReader, into options: String) throws(SweepFileError) -> String {
        try bounded(setting("convolution", to: try plain(convolution), in: options), from: convolution)
    }

    /// Canonical JSON of one value (a grid entry), `null` included.
    static func canonicalJSON(of reader: NodeReader) throws(SweepFileError) -> String {
        try bounded(encode(try plain(reader)), from: reader)
    }

    /// `options` with `key` set to the JSON `value` (a grid entry); `null` removes the key.
    public static func setting(_ key: String, toJSON value: String, in options: String) -> String {
        let parsed = try? JSONSerialization.jsonObject(with: Data(value.utf8), options: .fragmentsAllowed)
        return setting(key, to: parsed ?? NSNull(), in: options)
    }

    private static func setting(_ key: String, to value: Any, in options: String) -> String {
        let existing = options.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(options.utf8))
        var object = existing as? [String: Any] ?? [:]
        object[key] = value is NSNull ? nil : value
        return object.isEmpty ? "" : encode(object)
    }

    private static func bounded(_ json: String, from reader: NodeReader) throws(SweepFileError) -> String {
        let bytes = json.utf8.count
        guard bytes <= maximumJSONBytes else {
            throw reader.error("settings of at most \(maximumJSONBytes) bytes as JSON, these take \(bytes)")
        }
        return json
    }

    private static func encode(_ value: Any) -> String {
        // Plain dictionaries, arrays, strings, numbers, booleans and null always serialize.
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// A YAML node as JSON-compatible values: mappings, lists, numbers, booleans and strings.
    private static func plain(_ reader: NodeReader) throws(SweepFileError) -> Any {
        switch reader.node {
        case .mapping:
            var object: [String: Any] = [:]
            for (key, value) in try reader.mapping(allowed: nil).entries {
                object[key] = try plain(value)
            }
            return object
        case .sequence:
            var array: [Any] = []
            for item in try reader.sequence(what: "a list") {
                array.append(try plain(item))
            }
            return array
        case .scalar(let scalar):
            if reader.node.null != nil { return NSNull() }
            if let bool = reader.node.bool { return bool }
            if let int = reader.node.int { return int }
            if let double = reader.node.float, double.isFinite { return double }
            return scalar.string
        case .alias:
            throw reader.error("YAML aliases are not supported in engine settings")
        }
    }
}
