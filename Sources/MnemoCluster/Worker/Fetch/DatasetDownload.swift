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
/// asking again (``resend(now:)``) for what is missing. The slow steps — checking the chunks of a copy
/// already there, and hashing the finished file — run on a thread of their own, so the loop goes on
/// heartbeating; ``poll(now:)`` collects them.
final class DatasetDownload {
    /// What the loop does next.
    enum Step: Equatable {
        /// Send these requests (none: wait).
        case send([Fetch])
        /// The file is in the cache.
        case finished(URL)
        /// The file cannot be had: why.
        case failed(String)
    }

    private enum Phase {
        /// Waiting for the manifest: asked at, or to be asked again at (the coordinator prepares it).
        case manifest(asked: Date?, again: Date?)
        /// Opening the partial file and checking what it holds, in the background.
        case checking
        case chunks
        /// Checking and installing the finished file, in the background.
        case finishing
    }

    /// What the background step produced.
    private enum Outcome {
        case opened(FileHandle, URL, missing: [Int])
        case installed(URL, String)
        case failed(String)
    }

    let hash: String
    private let cache: DatasetFileCache
    private var phase = Phase.manifest(asked: nil, again: nil)
    private var manifest: DatasetManifest?
    private var file: FileHandle?
    private var partial: URL?
    /// Chunks still to ask for, in order.
    private var missing: [Int] = []
    /// Chunks asked for and not yet answered, with when they were asked for.
    private var inFlight: [Int: Date] = [:]
    /// How often each chunk was asked for again after going unanswered.
    private var unanswered: [Int: Int] = [:]
    /// Chunks the coordinator answered "preparing" (it restarted): their next re-request is not silence.
    private var preparing: Set<Int> = []
    /// How often each chunk arrived damaged.
    private var damaged: [Int: Int] = [:]
    private let background = HandOff<Outcome>()
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
    /// A chunk asked for again this many times without an answer ends the download (5 minutes).
    static let maxUnanswered = 30

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
        phase = .manifest(asked: now, again: nil)
        return [Fetch(datasetHash: hash)]
    }

    /// Takes the coordinator's answer to one of this download's requests.
    func receive(_ answer: Chunk, payload: Data?, now: Date) -> Step {
        switch answer.status {
        case .unavailable:
            return .failed(answer.reason.map { "the coordinator says: \($0)" } ?? "the coordinator cannot serve it")
        case .preparing:
            if case .manifest(asked: .some, again: _) = phase {
                phase = .manifest(asked: nil, again: now.addingTimeInterval(1))
            } else if let index = answer.chunk, inFlight[index] != nil {
                // A restarted coordinator prepares its copy again: ask in a second.
                inFlight[index] = now.addingTimeInterval(1 - Self.requestTimeout)
                preparing.insert(index)
            }
            return .send([])
        case .ready:
            if let index = answer.chunk {
                return receive(chunk: index, payload ?? Data(), now: now)
            }
            guard case .manifest = phase, let offered = answer.manifest else { return .send([]) }
            return begin(offered)
        }
    }

    /// What to do now that time has passed: the manifest of a file the coordinator was preparing,
    /// requests that went unanswered, or the outcome of a background step.
    func poll(now: Date) -> Step {
        switch phase {
        case .manifest(let asked, let again):
            if let again, now >= again { return .send(start(now: now)) }
            if let asked, now.timeIntervalSince(asked) > Self.requestTimeout { return .send(start(now: now)) }
            return .send([])
        case .checking, .finishing:
            return collect(now: now)
        case .chunks:
            let stale = inFlight.filter { now.timeIntervalSince($0.value) > Self.requestTimeout }.keys.sorted()
            for index in stale {
                inFlight[index] = now
                if preparing.remove(index) != nil { continue }
                unanswered[index, default: 0] += 1
                if unanswered[index]! >= Self.maxUnanswered {
                    return .failed("chunk \(index) went unanswered \(Self.maxUnanswered) times (\(Int(Self.requestTimeout) * Self.maxUnanswered / 60) minutes)")
                }
            }
            return .send(stale.map { Fetch(datasetHash: hash, chunk: $0) })
        }
    }

    /// Every outstanding request again (after the worker said hello to a restarted coordinator).
    func resend(now: Date) -> [Fetch] {
        switch phase {
        case .manifest(_, let again): return again == nil ? start(now: now) : []
        case .checking, .finishing: return []
        case .chunks:
            for index in inFlight.keys { inFlight[index] = now }
            return inFlight.keys.sorted().map { Fetch(datasetHash: hash, chunk: $0) }
        }
    }

    /// Lines to log: what was reused, what arrived damaged, progress every few seconds.
    func takeNotes() -> [String] {
        defer { notes = [] }
        return notes
    }

    private func begin(_ offered: DatasetManifest) -> Step {
        guard offered.isConsistent(maxChunkBytes: FrameLimits.default.maxPayloadBytes) else {
            return .failed("the coordinator's manifest does not add up (size \(offered.size), \(offered.chunks.count) chunks of \(offered.chunkSize) bytes)")
        }
        manifest = offered
        phase = .checking
        let (cache, hash, inbox) = (cache, hash, background)
        Thread.detachNewThread {
            do {
                let (handle, url, missing) = try Self.open(offered, hash: hash, cache: cache)
                inbox.put(.opened(handle, url, missing: missing))
            } catch let error as DatasetDownloadError {
                inbox.put(.failed(error.description))
            } catch {
                inbox.put(.failed(Self.cannotWrite(cache, error)))
            }
        }
        return .send([])
    }

    /// The background step's outcome, once it is there.
    private func collect(now: Date) -> Step {
        guard let outcome = background.take().last, let manifest else { return .send([]) }
        switch outcome {
        case .failed(let reason):
            return .failed(reason)
        case .opened(let handle, let url, let missing):
            (file, partial, self.missing) = (handle, url, missing)
            phase = .chunks
            let kept = manifest.chunks.count - missing.count
            notes.append(
                "fetching dataset \(hash.prefix(12))… from the coordinator: \(ByteText.mebibytes(manifest.size)), \(manifest.chunks.count) chunks"
                    + (kept > 0 ? "; \(kept) already here, \(missing.count) missing or damaged" : ""))
            return next(now: now)
        case .installed(let installed, let found):
            let seconds = max(0.001, now.timeIntervalSince(started))
            notes.append(
                "fetched dataset \(hash.prefix(12))… (\(ByteText.mebibytes(manifest.size)) in \(String(format: "%.1f", seconds))s, "
                    + "\(ByteText.mebibytes(receivedBytes)) over the network), checked: SHA-256 \(found.prefix(16))…")
            return .finished(installed)
        }
    }

    private func receive(chunk index: Int, _ payload: Data, now: Date) -> Step {
        guard case .chunks = phase, let manifest, inFlight.removeValue(forKey: index) != nil, let file else { return .send([]) }
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
            return .failed(Self.cannotWrite(cache, error))
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
        if requests.isEmpty, inFlight.isEmpty { return finish() }
        return .send(requests)
    }

    /// Checks the assembled file and installs it, in the background. The partial file stays open, so
    /// locked, until it is installed: no other download takes it, no cleanup removes it meanwhile.
    private func finish() -> Step {
        guard let manifest, let file, let partial else { return .failed("no manifest") }
        self.file = nil
        phase = .finishing
        let (cache, hash, inbox) = (cache, hash, background)
        Thread.detachNewThread {
            defer { try? file.close() }
            do {
                try file.synchronize()
                let found = try DatasetFileCache.sha256(of: partial)
                guard found == manifest.sha256 else {
                    try? FileManager.default.removeItem(at: partial)
                    inbox.put(.failed("the assembled file has SHA-256 \(found.prefix(16))…, the manifest says \(manifest.sha256.prefix(16))…"))
                    return
                }
                inbox.put(.installed(try cache.install(partial, hash: hash, sha256: found), found))
            } catch {
                inbox.put(.failed(Self.cannotWrite(cache, error)))
            }
        }
        return .send([])
    }

    /// Opens the partial file for `manifest`: one left by an earlier download, else a copy of a damaged
    /// cached file (its good chunks are kept), else an empty one; returns the chunks it lacks. Another
    /// process downloading the same file keeps the shared partial file locked: this one then uses its
    /// own (locked too, so that a cleanup never removes a file in use).
    private static func open(_ manifest: DatasetManifest, hash: String, cache: DatasetFileCache) throws -> (FileHandle, URL, [Int]) {
        try FileManager.default.createDirectory(at: cache.folder, withIntermediateDirectories: true)
        var url = cache.partialFile(hash: hash)
        var handle = try openForWriting(url)
        if flock(handle.fileDescriptor, LOCK_EX | LOCK_NB) != 0 {
            try handle.close()
            url = url.deletingPathExtension().appendingPathExtension("\(getpid()).part")
            handle = try openForWriting(url)
            _ = flock(handle.fileDescriptor, LOCK_EX | LOCK_NB)
        }
        var present = try handle.seekToEnd()
        let damagedCopy = cache.location(of: hash)
        if present == 0, FileManager.default.fileExists(atPath: damagedCopy.path), let old = try? FileHandle(forReadingFrom: damagedCopy) {
            defer { try? old.close() }
            try handle.seek(toOffset: 0)
            while let block = try old.read(upToCount: 1 << 20), !block.isEmpty {
                try handle.write(contentsOf: block)
            }
            present = try handle.seekToEnd()
        }
        let free = (try? FileManager.default.attributesOfFileSystem(forPath: cache.folder.path)[.systemFreeSize] as? Int) ?? nil
        if let free, manifest.size > Int(present) + free {
            throw DatasetDownloadError(
                description: "the dataset takes \(ByteText.mebibytes(manifest.size)) and the cache folder \(cache.folder.path) has \(ByteText.mebibytes(free)) free: "
                    + "free some space, lower other use of the folder, or give the worker another --cache-dir")
        }
        try handle.truncate(atOffset: UInt64(manifest.size))
        // A fresh file holds nothing worth checking.
        let missing = present == 0 ? Array(manifest.chunks.indices) : manifest.chunks.indices.filter { !holds(handle, manifest, chunk: $0) }
        return (handle, url, missing)
    }

    private static func openForWriting(_ url: URL) throws -> FileHandle {
        let descriptor = Glibc.open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: url.path]) }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// Whether the partial file already holds chunk `index` as the manifest has it.
    private static func holds(_ file: FileHandle, _ manifest: DatasetManifest, chunk index: Int) -> Bool {
        let range = manifest.range(ofChunk: index)
        guard (try? file.seek(toOffset: UInt64(range.lowerBound))) != nil,
            let bytes = try? file.read(upToCount: range.count), bytes.count == range.count
        else { return false }
        return DatasetFileCache.sha256(of: bytes) == manifest.chunks[index]
    }

    private static func cannotWrite(_ cache: DatasetFileCache, _ error: any Error) -> String {
        "cannot write into the cache folder \(cache.folder.path) (\((error as NSError).localizedDescription)): "
            + "make it writable, free some space, or give the worker another --cache-dir"
    }
}

/// Why a download cannot go on, in words.
struct DatasetDownloadError: Error, CustomStringConvertible {
    let description: String
}
