import Foundation
import MnemoCore
import MnemoData
import MnemoWire

/// One dataset file on its way from the coordinator into the worker's cache: asks for the manifest,
/// keeps the chunks of a partial or damaged copy that match it, asks for the others a few at a time,
/// checks each against its SHA-256 as it arrives (a chunk that fails is asked for again), and moves
/// the finished file, checked whole, into the ``DatasetFileCache``.
///
/// It owns the partial file and nothing else: the worker's loop sends the ``Fetch`` requests it
/// returns and feeds it the ``Chunk`` answers, so a reconnect or a coordinator restart only means
/// asking again (``resend(now:)``) for what is missing.
final class DatasetDownload {
    /// What the loop does next.
    enum Step: Equatable {
        /// Send these requests.
        case send([Fetch])
        /// The file is in the cache.
        case finished(URL)
        /// The file cannot be had: why.
        case failed(String)
    }

    let hash: String
    private let cache: DatasetFileCache
    private var manifest: DatasetManifest?
    private var file: FileHandle?
    private var partial: URL?
    /// Chunks still to ask for, in order.
    private var missing: [Int] = []
    /// Chunks asked for and not yet answered, with when they were asked for.
    private var inFlight: [Int: Date] = [:]
    /// How often each chunk arrived damaged.
    private var damaged: [Int: Int] = [:]
    /// When the manifest was asked for (nil once it arrived, or while the coordinator prepares).
    private var manifestAsked: Date?
    /// When to ask again for the manifest of a file the coordinator is preparing.
    private var askAgainAt: Date?
    private var receivedBytes = 0
    private let started: Date
    private var lastProgress: Date
    /// Lines worth logging since the last call of ``takeNotes()``.
    private var notes: [String] = []

    /// Chunks asked for at once.
    static let window = 8
    /// A request unanswered for this long is sent again.
    static let requestTimeout: TimeInterval = 10
    /// A chunk that arrives damaged this many times ends the download.
    static let maxDamaged = 3

    init(hash: String, cache: DatasetFileCache, now: Date) {
        self.hash = hash
        self.cache = cache
        started = now
        lastProgress = now
    }

    deinit {
        try? file?.close()
    }

    /// The first request: the manifest.
    func start(now: Date) -> [Fetch] {
        manifestAsked = now
        return [Fetch(datasetHash: hash)]
    }

    /// Takes the coordinator's answer to one of this download's requests.
    func receive(_ answer: Chunk, payload: Data?, now: Date) -> Step {
        switch answer.status {
        case .unavailable:
            return .failed(answer.reason.map { "the coordinator says: \($0)" } ?? "the coordinator cannot serve it")
        case .preparing:
            if manifest == nil, manifestAsked != nil {
                manifestAsked = nil
                askAgainAt = now.addingTimeInterval(1)
            }
            return .send([])
        case .ready:
            if let index = answer.chunk {
                return receive(chunk: index, payload ?? Data(), now: now)
            }
            guard manifest == nil, let offered = answer.manifest else { return .send([]) }
            return begin(offered, now: now)
        }
    }

    /// Requests to send again: unanswered for too long, or the manifest of a file that was being
    /// prepared.
    func poll(now: Date) -> [Fetch] {
        if manifest == nil {
            if let askAgainAt, now >= askAgainAt {
                self.askAgainAt = nil
                return start(now: now)
            }
            if let manifestAsked, now.timeIntervalSince(manifestAsked) > Self.requestTimeout {
                return start(now: now)
            }
            return []
        }
        let stale = inFlight.filter { now.timeIntervalSince($0.value) > Self.requestTimeout }.keys.sorted()
        for index in stale { inFlight[index] = now }
        return stale.map { Fetch(datasetHash: hash, chunk: $0) }
    }

    /// Every outstanding request again (after the worker said hello to a restarted coordinator).
    func resend(now: Date) -> [Fetch] {
        guard manifest != nil else { return askAgainAt == nil ? start(now: now) : [] }
        for index in inFlight.keys { inFlight[index] = now }
        return inFlight.keys.sorted().map { Fetch(datasetHash: hash, chunk: $0) }
    }

    /// Lines to log: what was reused, what arrived damaged, progress every few seconds.
    func takeNotes() -> [String] {
        defer { notes = [] }
        return notes
    }

    private func begin(_ offered: DatasetManifest, now: Date) -> Step {
        guard offered.isConsistent(maxChunkBytes: FrameLimits.default.maxPayloadBytes), offered.sha256.count == 64 else {
            return .failed("the coordinator's manifest does not add up (size \(offered.size), \(offered.chunks.count) chunks of \(offered.chunkSize) bytes)")
        }
        manifest = offered
        manifestAsked = nil
        do {
            try open(size: offered.size)
        } catch {
            return .failed("cannot write into the cache folder \(cache.folder.path): \(error)")
        }
        missing = (0..<offered.chunks.count).filter { !holds(chunk: $0) }
        let kept = offered.chunks.count - missing.count
        notes.append(
            "fetching dataset \(hash.prefix(12))… from the coordinator: \(Self.mebibytes(offered.size)), \(offered.chunks.count) chunks"
                + (kept > 0 ? "; \(kept) already here, \(missing.count) missing or damaged" : ""))
        return next(now: now)
    }

    private func receive(chunk index: Int, _ payload: Data, now: Date) -> Step {
        guard let manifest, inFlight.removeValue(forKey: index) != nil, let file else { return .send([]) }
        let range = manifest.range(ofChunk: index)
        guard payload.count == range.count, DatasetFileCache.sha256(of: payload) == manifest.chunks[index] else {
            damaged[index, default: 0] += 1
            notes.append("chunk \(index) of dataset \(hash.prefix(12))… arrived damaged (\(damaged[index]!) times); asking again")
            guard damaged[index]! < Self.maxDamaged else {
                return .failed("chunk \(index) arrived damaged \(Self.maxDamaged) times")
            }
            missing.insert(index, at: 0)
            return next(now: now)
        }
        do {
            try file.seek(toOffset: UInt64(range.lowerBound))
            try file.write(contentsOf: payload)
        } catch {
            return .failed("cannot write into the cache folder \(cache.folder.path): \(error)")
        }
        receivedBytes += payload.count
        if now.timeIntervalSince(lastProgress) >= 5 {
            lastProgress = now
            let rate = Double(receivedBytes) / max(0.001, now.timeIntervalSince(started)) / 1_048_576
            notes.append(
                "dataset \(hash.prefix(12))…: \(manifest.chunks.count - missing.count - inFlight.count) of \(manifest.chunks.count) chunks, "
                    + String(format: "%.1f MiB/s", rate))
        }
        return next(now: now)
    }

    /// Asks for more chunks, or finishes when none is missing.
    private func next(now: Date) -> Step {
        var requests: [Fetch] = []
        while inFlight.count < Self.window, !missing.isEmpty {
            let index = missing.removeFirst()
            inFlight[index] = now
            requests.append(Fetch(datasetHash: hash, chunk: index))
        }
        if requests.isEmpty, inFlight.isEmpty { return finish(now: now) }
        return .send(requests)
    }

    private func finish(now: Date) -> Step {
        guard let manifest, let file, let partial else { return .failed("no manifest") }
        do {
            try file.synchronize()
            try file.close()
            self.file = nil
            let found = try DatasetFileCache.sha256(of: partial)
            guard found == manifest.sha256 else {
                try? FileManager.default.removeItem(at: partial)
                return .failed("the assembled file has SHA-256 \(found.prefix(16))…, the manifest says \(manifest.sha256.prefix(16))…")
            }
            let installed = try cache.install(partial, hash: hash, sha256: found)
            let seconds = max(0.001, now.timeIntervalSince(started))
            notes.append(
                "fetched dataset \(hash.prefix(12))… (\(Self.mebibytes(manifest.size)) in \(String(format: "%.1f", seconds))s, "
                    + "\(Self.mebibytes(receivedBytes)) over the network), checked: SHA-256 \(found.prefix(16))…")
            return .finished(installed)
        } catch {
            return .failed("cannot write into the cache folder \(cache.folder.path): \(error)")
        }
    }

    /// Opens the partial file of `size` bytes: one left by an earlier download, else a copy of a
    /// damaged cached file (its good chunks are kept), else an empty one. Another process downloading
    /// the same file keeps the shared partial file locked: this one then uses its own.
    private func open(size: Int) throws {
        try FileManager.default.createDirectory(at: cache.folder, withIntermediateDirectories: true)
        var url = cache.partialFile(hash: hash)
        var handle = try Self.openForWriting(url)
        if flock(handle.fileDescriptor, LOCK_EX | LOCK_NB) != 0 {
            try handle.close()
            url = url.deletingPathExtension().appendingPathExtension("\(getpid()).part")
            handle = try Self.openForWriting(url)
        }
        let damagedCopy = cache.location(of: hash)
        if try handle.seekToEnd() == 0, FileManager.default.fileExists(atPath: damagedCopy.path),
            let old = try? FileHandle(forReadingFrom: damagedCopy)
        {
            defer { try? old.close() }
            try handle.seek(toOffset: 0)
            while let block = try old.read(upToCount: 1 << 20), !block.isEmpty {
                try handle.write(contentsOf: block)
            }
        }
        try handle.truncate(atOffset: UInt64(size))
        file = handle
        partial = url
    }

    private static func openForWriting(_ url: URL) throws -> FileHandle {
        let descriptor = Glibc.open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path]) }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// Whether the partial file already holds chunk `index` as the manifest has it.
    private func holds(chunk index: Int) -> Bool {
        guard let manifest, let file else { return false }
        let range = manifest.range(ofChunk: index)
        guard (try? file.seek(toOffset: UInt64(range.lowerBound))) != nil,
            let bytes = try? file.read(upToCount: range.count), bytes.count == range.count
        else { return false }
        return DatasetFileCache.sha256(of: bytes) == manifest.chunks[index]
    }

    private static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}
