import Foundation

/// Where a coordinator listens for admin commands: an `ipc://` socket beside its database (mode
/// 0600), or under the temporary folder when that path is too long for a Unix socket. The endpoint is
/// also written into the database's lock file, where the CLI finds it.
public enum AdminEndpoint {
    /// The longest socket path Linux accepts (`sun_path` less its terminator).
    static let maxSocketPath = 107

    /// The admin endpoint of the database at `databasePath`.
    public static func forDatabase(_ databasePath: String) -> String {
        let url = URL(fileURLWithPath: databasePath).standardizedFileURL
        let beside = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).admin").path
        if beside.utf8.count <= maxSocketPath { return "ipc://" + beside }
        // FNV-1a of the path: stable across runs, unlike `hashValue`.
        let digest = String(url.path.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }, radix: 16)
        return "ipc://" + FileManager.default.temporaryDirectory.appendingPathComponent("mnemo-\(digest).admin").path
    }

    /// The socket file of an `ipc://` endpoint.
    static func socketPath(of endpoint: String) -> String? {
        endpoint.hasPrefix("ipc://") ? String(endpoint.dropFirst("ipc://".count)) : nil
    }
}
