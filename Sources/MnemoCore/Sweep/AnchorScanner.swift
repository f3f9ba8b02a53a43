/// Finds YAML anchors (`&name`) and aliases (`*name`) in raw text, before anything is composed.
///
/// Sweep files do not support them: an alias shares a subtree, so a few lines nesting aliases
/// ("billion laughs") expand to more nodes than memory holds once read, and hashing such a subtree
/// as a mapping key already hangs the composer. The scan looks at every place where a node can
/// begin and skips comments, quoted scalars, plain scalars and block scalars, whose `&` and `*`
/// are text. It errs towards reporting: a plain scalar continued on a line that starts with `&`
/// or `*` is reported too, and can be quoted instead.
struct AnchorScanner {
    /// Where an anchor or alias indicator was found: 1-based line and column (in characters).
    struct Finding: Equatable {
        let line: Int
        let column: Int
        let isAlias: Bool
    }

    private enum State { case between, plain, singleQuoted, doubleQuoted, skippingLine }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var state = State.between
    /// Whether the next non-blank character begins a node (where `&` and `*` are indicators).
    private var atNodeStart = true
    private var flowDepth = 0
    /// Column (0-based, in bytes) of the last node or entry indicator begun on this line.
    private var lastNodeColumn = 0
    /// Set after a block scalar header: lines indented more than this, or blank, are its text.
    private var blockScalarParentColumn: Int?

    private init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// The first anchor or alias in `text`, or nil when there is none.
    static func firstAnchorOrAlias(in text: String) -> Finding? {
        var scanner = AnchorScanner(text)
        return scanner.scan()
    }

    private mutating func scan() -> Finding? {
        beginLine()
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                index += 1
                line += 1
                lineStart = index
                beginLine()
                continue
            }
            switch state {
            case .skippingLine: index += 1
            case .singleQuoted: scanSingleQuoted(byte)
            case .doubleQuoted: scanDoubleQuoted(byte)
            case .plain: scanPlain(byte)
            case .between:
                if let finding = scanBetween(byte) { return finding }
            }
        }
        return nil
    }

    /// Starts a line: ends plain scalars and comments, and skips the lines of a block scalar.
    private mutating func beginLine() {
        if state == .singleQuoted || state == .doubleQuoted { return }
        state = .between
        atNodeStart = true
        var end = index
        while end < bytes.count, bytes[end] == UInt8(ascii: " ") { end += 1 }
        lastNodeColumn = end - lineStart
        guard let parent = blockScalarParentColumn else { return }
        let isBlank = end == bytes.count || bytes[end] == UInt8(ascii: "\n") || bytes[end] == UInt8(ascii: "\r")
        if isBlank || end - lineStart > parent {
            state = .skippingLine
        } else {
            blockScalarParentColumn = nil
        }
    }

    private mutating func scanSingleQuoted(_ byte: UInt8) {
        if byte == UInt8(ascii: "'") {
            if next(1) == UInt8(ascii: "'") {
                index += 2
                return
            }
            endNode()
        }
        index += 1
    }

    private mutating func scanDoubleQuoted(_ byte: UInt8) {
        if byte == UInt8(ascii: "\\"), next(1) != UInt8(ascii: "\n") {
            index += 2
            return
        }
        if byte == UInt8(ascii: "\"") { endNode() }
        index += 1
    }

    private mutating func scanPlain(_ byte: UInt8) {
        if isBlank(byte), next(1) == UInt8(ascii: "#") {
            state = .skippingLine
        } else if byte == UInt8(ascii: ":"), isBlankOrEnd(next(1)) || (flowDepth > 0 && isFlowIndicator(next(1))) {
            state = .between
            atNodeStart = true
        } else if flowDepth > 0, isFlowIndicator(byte) {
            state = .between
            atNodeStart = false
            return
        }
        index += 1
    }

    private mutating func scanBetween(_ byte: UInt8) -> Finding? {
        let column = index - lineStart
        if isBlank(byte) || byte == UInt8(ascii: "\r") {
            index += 1
            return nil
        }
        if byte == UInt8(ascii: "#"), column == 0 || isBlank(bytes[index - 1]) {
            state = .skippingLine
            return nil
        }
        switch byte {
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            flowDepth += 1
            atNodeStart = true
        case UInt8(ascii: "]"), UInt8(ascii: "}"):
            flowDepth = max(0, flowDepth - 1)
            atNodeStart = false
        case UInt8(ascii: ","):
            atNodeStart = true
        case UInt8(ascii: ":") where !atNodeStart:
            atNodeStart = true
        default:
            if !atNodeStart {
                state = .plain
            } else {
                return scanNodeStart(byte, column: column)
            }
        }
        index += 1
        return nil
    }

    /// A character where a node can begin: an indicator, a property, a quote or a plain scalar.
    private mutating func scanNodeStart(_ byte: UInt8, column: Int) -> Finding? {
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: "*"):
            let characters = bytes[lineStart..<index].filter { $0 & 0xC0 != 0x80 }.count
            return Finding(line: line, column: characters + 1, isAlias: byte == UInt8(ascii: "*"))
        case UInt8(ascii: "!"):
            while index < bytes.count, !isBlankOrEnd(bytes[index]), !(flowDepth > 0 && isFlowIndicator(bytes[index])) {
                index += 1
            }
            return nil
        case UInt8(ascii: "%") where column == 0:
            state = .skippingLine
        case UInt8(ascii: "-") where column == 0 && isDocumentMarker(UInt8(ascii: "-")),
            UInt8(ascii: ".") where column == 0 && isDocumentMarker(UInt8(ascii: ".")):
            index += 2
        case UInt8(ascii: "-") where isBlankOrEnd(next(1)), UInt8(ascii: "?") where isBlankOrEnd(next(1)),
            UInt8(ascii: ":") where isBlankOrEnd(next(1)):
            lastNodeColumn = column
        case UInt8(ascii: "|") where flowDepth == 0, UInt8(ascii: ">") where flowDepth == 0:
            blockScalarParentColumn = lastNodeColumn
            state = .skippingLine
        case UInt8(ascii: "'"):
            lastNodeColumn = column
            state = .singleQuoted
        case UInt8(ascii: "\""):
            lastNodeColumn = column
            state = .doubleQuoted
        default:
            lastNodeColumn = column
            state = .plain
        }
        index += 1
        return nil
    }

    private mutating func endNode() {
        state = .between
        atNodeStart = false
    }

    private func isDocumentMarker(_ marker: UInt8) -> Bool {
        next(1) == marker && next(2) == marker && isBlankOrEnd(next(3))
    }

    private func next(_ offset: Int) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private func isBlankOrEnd(_ byte: UInt8?) -> Bool {
        guard let byte else { return true }
        return isBlank(byte) || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }

    private func isFlowIndicator(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return byte == UInt8(ascii: ",") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
            || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}")
    }
}
