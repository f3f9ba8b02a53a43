import ArgumentParser
import Foundation

/// Checks of an `--out DIR` option: a folder to write into, created if needed.
enum OutputFolder {
    /// Refuses an empty path and a path that exists as something other than a folder.
    static func validate(_ path: String?, option: String = "--out") throws {
        guard let path else { return }
        guard !path.isEmpty else { throw ValidationError("\(option) needs a folder, got an empty path") }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
            throw ValidationError("\(option) \(path) exists and is not a folder")
        }
    }
}
