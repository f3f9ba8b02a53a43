/// The database already holds a sweep of this name that the sweep file cannot continue: its dataset
/// changed, or a setting other than growth (more subsets, more grid values) differs. Continuing would
/// combine results of different experiments.
public struct SweepIdentityError: Error, CustomStringConvertible {
    /// What differs.
    public enum Reason: Sendable, Equatable {
        /// The prepared dataset's content hash differs from the one the sweep was registered with.
        case datasetChanged(stored: String, current: String)
        /// Settings differ, each as `field: old → new`.
        case settingsChanged([String])
    }

    public let name: String
    public let databasePath: String
    public let reason: Reason

    public var description: String {
        switch reason {
        case .datasetChanged(let stored, let current):
            return "the dataset of sweep '\(name)' changed: database \(databasePath) holds runs on dataset sha256 "
                + "\(stored), the sweep file now gives sha256 \(current); restore the original data, or pass "
                + "--new-sweep to register it as a new sweep beside the old one (runs are never mixed)"
        case .settingsChanged(let changes):
            return "database \(databasePath) already holds sweep '\(name)' with other settings:\n"
                + changes.map { "  \($0)" }.joined(separator: "\n")
                + "\na sweep may only grow (more subsets, more grid values); restore these settings, pass "
                + "--new-sweep to register a new sweep, or use another --db"
        }
    }
}
