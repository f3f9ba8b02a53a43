import Foundation
import ZIPFoundation

/// Reads a NumPy `.npz` file: a zip archive (stored or deflated) whose members `name.npy` are arrays.
/// ``NpzWriter`` writes them.
public enum NpzReader {
    /// The arrays called `names` (without the `.npy` suffix) in the archive at `url`.
    ///
    /// - Throws: ``DatasetError`` if the file is missing or not a readable zip archive, a member is
    ///   missing (the error lists those present), cannot be extracted or fails its CRC-32, or as
    ///   ``NpyArray/parse(_:name:file:)`` with the file named `archive.npz [member.npy]`.
    public static func read(contentsOf url: URL, names: [String]) throws(DatasetError) -> [String: NpyArray] {
        let file = url.path
        guard FileManager.default.fileExists(atPath: file) else {
            throw DatasetError(file: file, reason: "no such file")
        }
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw DatasetError(file: file, reason: "not a readable .npz (zip) archive, or truncated: \(error)")
        }
        var arrays: [String: NpyArray] = [:]
        for name in names {
            let member = name + ".npy"
            let memberFile = "\(file) [\(member)]"
            guard let entry = archive[member] else {
                let present = archive.map(\.path).sorted().joined(separator: ", ")
                throw DatasetError(file: file, reason: "no array '\(name)' (members: \(present))")
            }
            var content = Data()
            do {
                let checksum = try archive.extract(entry, skipCRC32: false) { content.append($0) }
                guard checksum == entry.checksum, content.count == Int(entry.uncompressedSize) else {
                    throw DatasetError(
                        file: memberFile, reason: "member data fail the archive's CRC-32 or size check: corrupt")
                }
            } catch let error as DatasetError {
                throw error
            } catch {
                throw DatasetError(
                    file: memberFile, reason: "cannot extract the member, corrupt or truncated: \(error)")
            }
            arrays[name] = try NpyArray.parse(content, name: name, file: memberFile)
        }
        return arrays
    }
}
