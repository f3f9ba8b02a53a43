import Foundation

/// The fields of one JSON object of a header, read as typed values; every failure names the header
/// type, the field and where it is (`outcomes.3.task_id`), like the `Codable` decoder's errors.
///
/// Absent fields and `null` are alike: `optional…` accessors return nil for both, the others throw.
/// Fields the reader does not ask for are ignored.
struct HeaderFields {
    let fields: [String: JSONNode]
    /// The header type being decoded, for errors.
    let type: String
    /// Where this object is in the header (`""` at the top).
    let path: String

    init(_ node: JSONNode, type: String, path: String = "") throws(FrameError) {
        guard case .object(let fields) = node.value else {
            throw FrameError(.headerDecodingFailed(type: type, detail: "expected an object at \(path.isEmpty ? "top level" : path), found \(node.typeName)"))
        }
        self.fields = fields
        self.type = type
        self.path = path
    }

    func string(_ key: String) throws(FrameError) -> String {
        guard let text = try optionalString(key) else { throw missing(key) }
        return text
    }

    func optionalString(_ key: String) throws(FrameError) -> String? {
        guard let node = present(key) else { return nil }
        guard case .string(let text) = node.value else { throw mismatch(key, expected: "a string", node) }
        return text
    }

    func int(_ key: String) throws(FrameError) -> Int {
        guard let node = present(key) else { throw missing(key) }
        return try Self.int(node, at: place(key), type: type)
    }

    func double(_ key: String) throws(FrameError) -> Double {
        guard let node = present(key) else { throw missing(key) }
        return try Self.double(node, at: place(key), type: type)
    }

    func bool(_ key: String) throws(FrameError) -> Bool? {
        guard let node = present(key) else { return nil }
        guard case .bool(let value) = node.value else { throw mismatch(key, expected: "a boolean", node) }
        return value
    }

    func array(_ key: String) throws(FrameError) -> [JSONNode] {
        guard let elements = try optionalArray(key) else { throw missing(key) }
        return elements
    }

    func optionalArray(_ key: String) throws(FrameError) -> [JSONNode]? {
        guard let node = present(key) else { return nil }
        guard case .array(let elements) = node.value else { throw mismatch(key, expected: "an array", node) }
        return elements
    }

    func object(_ key: String) throws(FrameError) -> HeaderFields? {
        guard let node = present(key) else { return nil }
        return try HeaderFields(node, type: type, path: place(key))
    }

    /// The strings of an array field.
    func strings(_ key: String) throws(FrameError) -> [String] {
        try array(key).enumerated().map { index, node throws(FrameError) in
            guard case .string(let text) = node.value else {
                throw FrameError(.headerDecodingFailed(type: type, detail: "expected a string at \(place(key)).\(index), found \(node.typeName)"))
            }
            return text
        }
    }

    /// Each element of an array field as an object.
    func objects(_ key: String) throws(FrameError) -> [HeaderFields] {
        try array(key).enumerated().map { index, node throws(FrameError) in
            try HeaderFields(node, type: type, path: "\(place(key)).\(index)")
        }
    }

    /// A number that is an integer in range (`3`, or `3.0`, `3e0`).
    static func int(_ node: JSONNode, at place: String, type: String) throws(FrameError) -> Int {
        guard case .number(let text) = node.value else {
            throw FrameError(.headerDecodingFailed(type: type, detail: "expected Int at \(place), found \(node.typeName)"))
        }
        if let value = Int(text) { return value }
        guard let value = Double(text), value.rounded() == value, let exact = Int(exactly: value) else {
            throw FrameError(.headerDecodingFailed(type: type, detail: "expected Int at \(place): \(text) is not an integer in range"))
        }
        return exact
    }

    /// A finite number.
    static func double(_ node: JSONNode, at place: String, type: String) throws(FrameError) -> Double {
        guard case .number(let text) = node.value else {
            throw FrameError(.headerDecodingFailed(type: type, detail: "expected Double at \(place), found \(node.typeName)"))
        }
        guard let value = Double(text), value.isFinite else {
            throw FrameError(.headerDecodingFailed(type: type, detail: "expected Double at \(place): \(text) is out of range"))
        }
        return value
    }

    func place(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func present(_ key: String) -> JSONNode? {
        guard let node = fields[key] else { return nil }
        if case .null = node.value { return nil }
        return node
    }

    private func missing(_ key: String) -> FrameError {
        FrameError(.headerDecodingFailed(type: type, detail: "missing field \"\(key)\"\(path.isEmpty ? "" : " in \(path)")"))
    }

    private func mismatch(_ key: String, expected: String, _ node: JSONNode) -> FrameError {
        FrameError(.headerDecodingFailed(type: type, detail: "expected \(expected) at \(place(key)), found \(node.typeName)"))
    }
}
