/// A trainer's command line split into words as a POSIX shell splits them (single and double quotes,
/// backslash escapes), with `{placeholder}`s filled per run. It is executed directly, not by a shell:
/// pipes, redirections, globs, variables and command substitution are refused, not passed on.
///
/// ```
/// let template = try CommandTemplate(parsing: "python3 train.py --data {data} --out {out}")
/// template.expanded(["data": "/cache/d.npz", "out": "/tmp/t/out"])  // ["python3", "train.py", …]
/// ```
public struct CommandTemplate: Sendable, Equatable {
    /// The placeholders a command may use.
    public static let placeholders = ["data", "mask", "params", "out", "seed", "trial", "subset", "checkpoint", "gpu"]

    /// File endings that mark a word as a script the command runs (so it must exist, and is hashed).
    static let scriptExtensions = [".py", ".sh", ".bash", ".R", ".r", ".jl", ".pl", ".rb", ".js", ".lua", ".m"]

    /// The words, placeholders still in them.
    public let words: [String]

    /// A command line that cannot be run as written.
    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// Splits `text`.
    /// - Throws: ``ParseError`` for an unterminated quote, a shell feature that is not supported, or a
    ///   placeholder that is not one of ``placeholders``.
    public init(parsing text: String) throws(ParseError) {
        var words: [String] = []
        var word = ""
        var inWord = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            switch character {
            case " ", "\t", "\n":
                if inWord { words.append(word) }
                (word, inWord) = ("", false)
            case "'":
                inWord = true
                guard let end = characters.firstIndex(of: "'") else {
                    throw ParseError(description: "an unterminated single quote")
                }
                word += String(characters[..<end])
                characters = characters[(end + 1)...]
            case "\"":
                inWord = true
                var closed = false
                while let inner = characters.popFirst() {
                    if inner == "\"" { closed = true; break }
                    if inner == "$" || inner == "`" {
                        throw ParseError(description: "'\(inner)' inside double quotes: variables and command substitution are not supported (use env: for variables)")
                    }
                    if inner == "\\", let next = characters.first, "\"\\$`".contains(next) {
                        word.append(characters.removeFirst())
                    } else {
                        word.append(inner)
                    }
                }
                guard closed else { throw ParseError(description: "an unterminated double quote") }
            case "\\":
                inWord = true
                guard let next = characters.popFirst() else { throw ParseError(description: "a trailing backslash") }
                word.append(next)
            case "|", "&", ";", "<", ">", "(", ")":
                throw ParseError(description: "'\(character)': the command runs without a shell, so pipes, redirections, "
                    + "lists and subshells are not supported (put them in a script)")
            case "$", "`":
                throw ParseError(description: "'\(character)': variables and command substitution are not supported "
                    + "(use env: for variables)")
            case "*", "?", "[":
                throw ParseError(description: "'\(character)': the command runs without a shell, so globs are not "
                    + "supported (quote the character to pass it literally)")
            default:
                inWord = true
                word.append(character)
            }
        }
        if inWord { words.append(word) }
        guard !words.isEmpty else { throw ParseError(description: "an empty command") }
        for word in words {
            for segment in try Self.segments(of: word) {
                guard case .placeholder(let name) = segment, !Self.placeholders.contains(name) else { continue }
                throw ParseError(description: "unknown placeholder {\(name)}; allowed: "
                    + Self.placeholders.map { "{\($0)}" }.joined(separator: ", ") + " (write {{ and }} for literal braces)")
            }
        }
        self.words = words
    }

    /// A piece of a word: literal text (`{{` and `}}` already made single braces) or a placeholder.
    enum Segment: Equatable {
        case literal(String)
        case placeholder(String)
    }

    /// The words with every `{name}` replaced by `values[name]` (left as is when absent) and `{{`, `}}`
    /// made single braces, in one pass: a value that itself holds braces is not expanded again.
    public func expanded(_ values: [String: String]) -> [String] {
        words.map { word in
            ((try? Self.segments(of: word)) ?? [.literal(word)]).map { segment in
                switch segment {
                case .literal(let text): text
                case .placeholder(let name): values[name] ?? "{\(name)}"
                }
            }.joined()
        }
    }

    /// The placeholders the command uses.
    public var usedPlaceholders: Set<String> {
        Set(words.flatMap { word in
            ((try? Self.segments(of: word)) ?? []).compactMap { if case .placeholder(let name) = $0 { name } else { nil } }
        })
    }

    /// The scripts the command runs: every word (or `--option=value` value) without placeholders that
    /// ends in a script extension, and the program when it is a relative path (`./run.sh`). They must
    /// exist when the sweep is parsed, and their content is part of the trainer's identity. An absolute
    /// program (`/usr/bin/python3`) is an interpreter: checked on each worker, not hashed.
    public var scriptFiles: [String] {
        literalWords.enumerated().compactMap { index, word in
            let value = Self.optionValue(word)
            if Self.scriptExtensions.contains(where: { value.hasSuffix($0) }) { return value }
            return index == 0 && word.contains("/") && !word.hasPrefix("/") ? word : nil
        }
    }

    /// Configuration files the command may read: words (or `--option=value` values) without
    /// placeholders ending in `.yaml`, `.yml`, `.json`, `.toml`, `.cfg` or `.ini`. Those that exist when
    /// the sweep is parsed are part of its identity; missing ones may be outputs and are left alone.
    public var configFiles: [String] {
        literalWords.dropFirst().map(Self.optionValue).filter { value in
            [".yaml", ".yml", ".json", ".toml", ".cfg", ".ini"].contains { value.hasSuffix($0) }
        }
    }

    /// The words without placeholders, braces unescaped (others as "").
    private var literalWords: [String] {
        words.map { word in
            guard let segments = try? Self.segments(of: word) else { return "" }
            var text = ""
            for segment in segments {
                guard case .literal(let literal) = segment else { return "" }
                text += literal
            }
            return text
        }
    }

    /// `--config=a.yaml` → `a.yaml`; other words as they are.
    private static func optionValue(_ word: String) -> String {
        guard word.hasPrefix("-"), let equals = word.firstIndex(of: "=") else { return word.hasPrefix("-") ? "" : word }
        return String(word[word.index(after: equals)...])
    }

    /// The pieces of `word`.
    /// - Throws: ``ParseError`` for a `{` that is not closed.
    static func segments(of word: String) throws(ParseError) -> [Segment] {
        var segments: [Segment] = []
        var literal = ""
        var rest = word[...]
        while let character = rest.first {
            if rest.hasPrefix("{{") || rest.hasPrefix("}}") {
                literal.append(character)
                rest = rest.dropFirst(2)
            } else if character == "{" {
                guard let close = rest.firstIndex(of: "}") else {
                    throw ParseError(description: "an unclosed '{' in '\(word)' (write {{ for a literal brace)")
                }
                if !literal.isEmpty { segments.append(.literal(literal)) }
                literal = ""
                segments.append(.placeholder(String(rest[rest.index(after: rest.startIndex)..<close])))
                rest = rest[rest.index(after: close)...]
            } else {
                literal.append(character)
                rest = rest.dropFirst()
            }
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        return segments
    }
}
