/// Which trial a paired comparison means: `TRIAL` (an index in the sweep the reader reads) or
/// `SWEEP:TRIAL` (a trial of another sweep of the same database).
public struct TrialSelector: Sendable, Equatable, CustomStringConvertible {
    /// The sweep's id or name; nil for the sweep the reader reads.
    public var sweep: String?
    public var trialIndex: Int

    public init(sweep: String? = nil, trialIndex: Int) {
        self.sweep = sweep
        self.trialIndex = trialIndex
    }

    /// Parses `TRIAL` or `SWEEP:TRIAL`; nil when the text is neither.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let index = Int(parts.last!), index >= 0 else { return nil }
        if parts.count == 2 {
            guard !parts[0].isEmpty else { return nil }
            sweep = String(parts[0])
        }
        trialIndex = index
    }

    public var description: String {
        sweep.map { "\($0):\(trialIndex)" } ?? "\(trialIndex)"
    }
}
