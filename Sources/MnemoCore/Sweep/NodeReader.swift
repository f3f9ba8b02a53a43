import Yams

/// A YAML node with the field path that leads to it, so every validation error can say where it is.
struct NodeReader {
    let node: Node
    let path: String
    let file: String

    func error(_ expected: String) -> SweepFileError {
        SweepFileError(file: file, line: node.mark?.line, column: node.mark?.column, path: path, expected: expected)
    }

    private func found() -> String {
        switch node {
        case .scalar(let scalar): return "found \"\(scalar.string)\""
        case .mapping: return "found a mapping"
        case .sequence: return "found a list"
        case .alias: return "found an alias"
        }
    }

    /// The node as a mapping whose keys must all be in `allowed` (any key when nil).
    func mapping(allowed: [String]?) throws(SweepFileError) -> MappingReader {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping, \(found())") }
        var entries: [(String, NodeReader)] = []
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else {
                throw NodeReader(node: keyNode, path: path, file: file).error("keys must be strings")
            }
            let childPath = path.isEmpty ? key : "\(path).\(key)"
            if let allowed, !allowed.contains(key) {
                let suggestion = Spelling.closest(to: key, in: allowed).map { "did you mean '\($0)'? " } ?? ""
                throw NodeReader(node: keyNode, path: childPath, file: file).error(
                    "unknown key '\(key)'; \(suggestion)allowed here: \(allowed.joined(separator: ", "))")
            }
            if entries.contains(where: { $0.0 == key }) {
                throw NodeReader(node: keyNode, path: childPath, file: file).error("duplicate key '\(key)'")
            }
            entries.append((key, NodeReader(node: valueNode, path: childPath, file: file)))
        }
        return MappingReader(reader: self, entries: entries)
    }

    /// The node as a list.
    func sequence(what: String) throws(SweepFileError) -> [NodeReader] {
        guard case .sequence(let sequence) = node else { throw error("expected \(what), \(found())") }
        return sequence.enumerated().map { NodeReader(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    /// The node as a string of at most `maxLength` characters that passes `isValid`.
    func string(
        matching what: String, maxLength: Int = 256, _ isValid: (String) -> Bool
    ) throws(SweepFileError) -> String {
        guard case .scalar(let scalar) = node else { throw error("expected \(what), \(found())") }
        let length = scalar.string.count
        guard length <= maxLength else { throw error("expected \(what) of at most \(maxLength) characters, found \(length)") }
        guard isValid(scalar.string) else { throw error("expected \(what), \(found())") }
        return scalar.string
    }

    func integer(in range: ClosedRange<Int>, what: String) throws(SweepFileError) -> Int {
        guard case .scalar = node, let value = node.int, range.contains(value) else {
            throw error("expected \(what), \(found())")
        }
        return value
    }

    func number(in range: ClosedRange<Double>, what: String) throws(SweepFileError) -> Double {
        guard case .scalar = node, let value = node.float, value.isFinite, range.contains(value) else {
            throw error("expected \(what), \(found())")
        }
        return value
    }

    func flag() throws(SweepFileError) -> Bool {
        guard case .scalar = node, let value = node.bool else { throw error("expected true or false, \(found())") }
        return value
    }

    /// A list of at most 100 positive layer widths, e.g. `[512, 256]`.
    func widths() throws(SweepFileError) -> [Int] {
        let items = try sequence(what: "a list of layer widths, e.g. [256]")
        guard items.count <= 100 else { throw error("expected at most 100 hidden layers, found \(items.count)") }
        return try items.map { item throws(SweepFileError) in
            try item.integer(in: 1...65_536, what: "a layer width in 1...65536")
        }
    }
}

/// A validated YAML mapping: its entries in file order, looked up by key.
struct MappingReader {
    let reader: NodeReader
    let entries: [(String, NodeReader)]

    func optional(_ key: String) -> NodeReader? {
        entries.first { $0.0 == key }?.1
    }

    func required(_ key: String) throws(SweepFileError) -> NodeReader {
        guard let value = optional(key) else {
            let path = reader.path.isEmpty ? key : "\(reader.path).\(key)"
            throw SweepFileError(
                file: reader.file, line: reader.node.mark?.line, column: reader.node.mark?.column, path: path,
                expected: "missing required field '\(key)'")
        }
        return value
    }

    func error(at key: String, _ expected: String) -> SweepFileError {
        (optional(key) ?? reader).error(expected)
    }
}
