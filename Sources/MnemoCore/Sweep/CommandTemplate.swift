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
            if let open = word.lastIndex(of: "{"), !word[open...].contains("}") {
                throw ParseError(description: "an unclosed '{' in '\(word)'")
            }
            for name in Self.placeholderNames(in: word) where !Self.placeholders.contains(name) {
                throw ParseError(description: "unknown placeholder {\(name)}; allowed: "
                    + Self.placeholders.map { "{\($0)}" }.joined(separator: ", "))
            }
        }
        self.words = words
    }

    /// The words with every `{name}` replaced by `values[name]` (left as is when absent), in one pass:
    /// a value that itself holds braces is not expanded again.
    public func expanded(_ values: [String: String]) -> [String] {
        words.map { word in
            var result = ""
            var rest = word[...]
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                result += rest[..<open]
                let name = String(rest[rest.index(after: open)..<close])
                result += values[name] ?? "{\(name)}"
                rest = rest[rest.index(after: close)...]
            }
            return result + rest
        }
    }

    /// The placeholders the command uses.
    public var usedPlaceholders: Set<String> {
        Set(words.flatMap(Self.placeholderNames))
    }

    /// The words that name files the command runs: the program when given as a path, and any later
    /// word without placeholders that is not an option and ends in a script extension or names a path
    /// (contains '/').
    public var namedFiles: [String] {
        var files: [String] = []
        for (index, word) in words.enumerated() where Self.placeholderNames(in: word).isEmpty && !word.hasPrefix("-") {
            let isScript = Self.scriptExtensions.contains { word.hasSuffix($0) }
            if (index == 0 && word.contains("/")) || (index > 0 && (isScript || word.contains("/"))) {
                files.append(word)
            }
        }
        return files
    }

    /// The names between braces in `word` (an unclosed brace is refused before this is asked).
    private static func placeholderNames(in word: String) -> [String] {
        var names: [String] = []
        var rest = word[...]
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            names.append(String(after[..<close]))
            rest = after[after.index(after: close)...]
        }
        return names
    }
}
