import Foundation
import MnemoCore

/// Which changes between a stored sweep and its sweep file may be applied in place.
///
/// A sweep may grow: more subsets (`estimator.subsets` raised) and more grid values (each axis keeps
/// its key, its place and every stored value). Both only add tasks, because masks depend only on the
/// seed and the subset index and trials are identified by their parameter values. Anything else would
/// mix runs of two experiments, so it is refused.
enum SweepGrowth {
    /// Every change from `stored` to `current` that is not growth, as `field: old → new`, in field
    /// order; empty when `current` equals `stored` or only grows it.
    static func refusedChanges(from stored: SweepSpec, to current: SweepSpec) -> [String] {
        var changes: [String] = []
        if current.estimator.subsets < stored.estimator.subsets {
            changes.append(
                "estimator.subsets: \(stored.estimator.subsets) → \(current.estimator.subsets) (a sweep can only grow)")
        }
        changes += gridChanges(from: axes(of: stored), to: axes(of: current))
        var storedRest = stored
        var currentRest = current
        storedRest.grid = []
        currentRest.grid = []
        storedRest.paramGrid = storedRest.paramGrid.map { _ in [] }
        currentRest.paramGrid = currentRest.paramGrid.map { _ in [] }
        // A command trainer's operational settings may change: they are not part of a run's identity.
        if let command = storedRest.trainer?.command { storedRest.trainer = .command(command.identity) }
        if let command = currentRest.trainer?.command { currentRest.trainer = .command(command.identity) }
        storedRest.estimator.subsets = 0
        currentRest.estimator.subsets = 0
        // How readers analyse the runs, and when a trial may stop early, are not part of the runs.
        storedRest.analysis = nil
        currentRest.analysis = nil
        storedRest.estimator.stopWhen = nil
        currentRest.estimator.stopWhen = nil
        changes += differences(json(storedRest), json(currentRest), path: "")
        return changes
    }

    /// A sweep's grid as (key, rendered values) axes: the built-in engine's or a command trainer's.
    private static func axes(of spec: SweepSpec) -> [(key: String, values: [String])] {
        spec.grid.map { ($0.key.rawValue, $0.values.map(\.description)) } + (spec.paramGrid ?? []).map { ($0.key, $0.values) }
    }

    private static func gridChanges(
        from stored: [(key: String, values: [String])], to current: [(key: String, values: [String])]
    ) -> [String] {
        let storedKeys = stored.map(\.key)
        let currentKeys = current.map(\.key)
        guard storedKeys == currentKeys else {
            return ["grid axes: [\(storedKeys.joined(separator: ", "))] → [\(currentKeys.joined(separator: ", "))]"]
        }
        return zip(stored, current).compactMap { old, new in
            let removed = old.values.filter { !new.values.contains($0) }
            guard !removed.isEmpty else { return nil }
            return "grid.\(old.key): [\(old.values.joined(separator: ", "))] → [\(new.values.joined(separator: ", "))] "
                + "(removes \(removed.joined(separator: ", ")))"
        }
    }

    private static func json<T: Encodable>(_ value: T) -> Any {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(value), let object = try? JSONSerialization.jsonObject(with: data)
        else { return NSNull() }
        return object
    }

    /// Leaf-by-leaf differences of two JSON values.
    private static func differences(_ old: Any, _ new: Any, path: String) -> [String] {
        if let old = old as? [String: Any], let new = new as? [String: Any] {
            return Set(old.keys).union(new.keys).sorted().flatMap { key in
                differences(old[key] ?? NSNull(), new[key] ?? NSNull(), path: path.isEmpty ? key : "\(path).\(key)")
            }
        }
        let (oldText, newText) = (render(old), render(new))
        return oldText == newText ? [] : ["\(path): \(oldText) → \(newText)"]
    }

    private static func render(_ value: Any) -> String {
        if value is NSNull { return "(none)" }
        guard JSONSerialization.isValidJSONObject([value]),
            let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys, .fragmentsAllowed])
        else { return "\(value)" }
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
