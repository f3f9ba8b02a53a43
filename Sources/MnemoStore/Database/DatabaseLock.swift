import Foundation

/// The one-coordinator-per-database lock: an exclusive `flock` on `DB.lock`, which the kernel releases
/// when its holder dies (so a run resumed after SIGKILL is never blocked by a stale file). The file
/// records who holds it — host, pid, start time — so a refused second coordinator can name it.
///
/// ```swift
/// let lock = try DatabaseLock.acquire(databasePath: "x.sqlite")   // held until `lock` is released
/// ```
public final class DatabaseLock: @unchecked Sendable {
    /// `DB.lock` beside the database.
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// The lock file of a database.
    public static func path(forDatabase databasePath: String) -> String { databasePath + ".lock" }

    /// Takes the lock without waiting and records this process in the lock file.
    ///
    /// - Throws: ``DatabaseLockError`` naming the holder when another process holds it, or the
    ///   system error when the file cannot be opened.
    public static func acquire(databasePath: String, endpoint: String? = nil) throws -> DatabaseLock {
        let path = path(forDatabase: databasePath)
        // Never through a link, and never anything but a regular file: the lock file is truncated below.
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw DatabaseLockError(path: path, holder: nil, systemError: String(cString: strerror(errno)))
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw DatabaseLockError(path: path, holder: nil, systemError: "not a regular file")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8)).flatMap(Holder.init(text:))
            close(descriptor)
            throw DatabaseLockError(path: path, holder: holder, systemError: nil)
        }
        let holder = Holder(
            host: ProcessInfo.processInfo.hostName, pid: getpid(),
            started: ISO8601DateFormatter().string(from: Date()), endpoint: endpoint)
        let text = Array(holder.text.utf8)
        ftruncate(descriptor, 0)
        _ = text.withUnsafeBufferPointer { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return DatabaseLock(path: path, descriptor: descriptor)
    }

    /// Who holds the lock of a database now, or nil when nobody does (no coordinator serves it).
    ///
    /// Probes with a shared lock, released at once; a coordinator starting in that instant could find
    /// the lock taken and exit, which it says.
    public static func holder(databasePath: String) -> Holder? {
        let path = path(forDatabase: databasePath)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return nil
        }
        return (try? String(contentsOfFile: path, encoding: .utf8)).flatMap(Holder.init(text:))
            ?? Holder(host: "?", pid: 0, started: "?", endpoint: nil)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Who holds a lock, as written in its file.
    public struct Holder: Sendable, Equatable {
        public var host: String
        public var pid: Int32
        public var started: String
        public var endpoint: String?

        var text: String {
            "host \(host)\npid \(pid)\nstarted \(started)\n" + (endpoint.map { "endpoint \($0)\n" } ?? "")
        }

        init(host: String, pid: Int32, started: String, endpoint: String?) {
            self.host = host
            self.pid = pid
            self.started = started
            self.endpoint = endpoint
        }

        init?(text: String) {
            var fields: [String: String] = [:]
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
            }
            guard let host = fields["host"], let pid = fields["pid"].flatMap({ Int32($0) }) else { return nil }
            self.init(host: host, pid: pid, started: fields["started"] ?? "?", endpoint: fields["endpoint"])
        }
    }
}

/// Another coordinator holds the database, or its lock file cannot be opened.
public struct DatabaseLockError: Error, CustomStringConvertible {
    public let path: String
    public let holder: DatabaseLock.Holder?
    public let systemError: String?

    public var description: String {
        if let systemError { return "cannot open the lock file \(path): \(systemError)" }
        guard let holder else {
            return "another coordinator holds \(path); only one may serve a database at a time"
        }
        return "another coordinator serves this database (host \(holder.host), pid \(holder.pid), since \(holder.started)); "
            + "only one may serve a database at a time: stop it, or use `mnemo status` to follow it"
    }
}
