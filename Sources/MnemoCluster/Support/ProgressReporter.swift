import Foundation

/// Shows how a long sweep is going: tasks done of total, rate and ETA. On a terminal it redraws one
/// line in place; otherwise (logs, CI) it prints a plain line every `plainInterval`.
public final class ProgressReporter {
    private let output: FileHandle
    private let isTerminal: Bool
    private let plainInterval: TimeInterval
    private let startDone: Int
    private let start = Date()
    private var lastPrint = Date.distantPast
    private var lastLine = ""

    /// - Parameters:
    ///   - alreadyDone: tasks finished before this session (not counted in the rate).
    ///   - plainInterval: seconds between plain lines when the output is not a terminal.
    public init(alreadyDone: Int, output: FileHandle = .standardError, plainInterval: TimeInterval = 10) {
        self.output = output
        self.isTerminal = isatty(output.fileDescriptor) == 1
        self.plainInterval = plainInterval
        self.startDone = alreadyDone
    }

    /// Reports the current counts; prints only when something is due.
    public func update(done: Int, total: Int, workers: Int, force: Bool = false) {
        let now = Date()
        let interval = isTerminal ? 0.25 : plainInterval
        guard force || now.timeIntervalSince(lastPrint) >= interval else { return }
        let line = Self.line(
            done: done, total: total, workers: workers, newlyDone: done - startDone,
            elapsed: now.timeIntervalSince(start))
        guard force || line != lastLine || !isTerminal else { return }
        lastPrint = now
        lastLine = line
        let text = isTerminal ? "\r\u{1B}[2K" + line : line + "\n"
        output.write(Data(text.utf8))
    }

    /// Ends the in-place line so later output starts on a fresh line.
    public func finish() {
        if isTerminal, !lastLine.isEmpty { output.write(Data("\n".utf8)) }
    }

    /// The progress line, e.g. `tasks 40/64 (62%) · 3.10 tasks/s · ETA 8s · 2 workers`.
    public static func line(done: Int, total: Int, workers: Int, newlyDone: Int, elapsed: TimeInterval) -> String {
        let percent = total > 0 ? 100 * done / total : 100
        var parts = ["tasks \(done)/\(total) (\(percent)%)"]
        if newlyDone > 0, elapsed > 0 {
            let rate = Double(newlyDone) / elapsed
            parts.append(Self.rate(rate))
            parts.append("ETA " + duration(Double(total - done) / rate))
        } else {
            parts.append("rate —")
        }
        parts.append("\(workers) worker\(workers == 1 ? "" : "s")")
        return parts.joined(separator: " · ")
    }

    /// A rate in the unit that shows it with a few digits: `3.10 tasks/s`, `4.2 tasks/min`, `2.5 tasks/h`.
    public static func rate(_ perSecond: Double) -> String {
        if perSecond >= 0.1 { return String(format: "%.2f tasks/s", perSecond) }
        if perSecond * 60 >= 1 { return String(format: "%.1f tasks/min", perSecond * 60) }
        return String(format: "%.1f tasks/h", perSecond * 3600)
    }

    /// `75s` → `1m15s`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "—" }
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total / 3600)h\(String(format: "%02d", (total % 3600) / 60))m"
    }
}
