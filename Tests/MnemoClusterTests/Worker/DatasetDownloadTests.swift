import Foundation
import MnemoData
import MnemoLearn
import MnemoWire
import Testing

@testable import MnemoCluster

/// A dataset download against a coordinator played by the test: every chunk is checked as it arrives,
/// damaged ones are asked for again, good chunks of a damaged copy are kept, and a coordinator that
/// cannot serve ends the download with its reason.
@Suite struct DatasetDownloadTests {
    /// A file of three chunks (the last one short) and the coordinator's view of it.
    final class Served {
        let folder: URL
        let bytes: Data
        let hash = String(repeating: "ab", count: 32)
        let manifest: DatasetManifest

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("mnemo-download-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            var generator = SystemRandomNumberGenerator()
            bytes = Data((0..<(2 * DatasetManifest.minChunkSize + 1_234)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let source = folder.appendingPathComponent("source.npz")
            try bytes.write(to: source)
            let (whole, chunks) = try DatasetFileCache.sha256(of: source, chunkSize: DatasetManifest.minChunkSize)
            manifest = DatasetManifest(size: bytes.count, sha256: whole, chunkSize: DatasetManifest.minChunkSize, chunks: chunks)
        }

        deinit {
            try? FileManager.default.removeItem(at: folder)
        }

        var cache: DatasetFileCache { DatasetFileCache(folder: folder.appendingPathComponent("cache")) }

        func answer(_ fetch: Fetch, damaging: Bool = false) -> (Chunk, Data?) {
            guard let index = fetch.chunk else { return (Chunk(datasetHash: hash, status: .ready, manifest: manifest), nil) }
            var chunk = bytes.subdata(in: manifest.range(ofChunk: index))
            if damaging { chunk[chunk.startIndex + 7] ^= 0x40 }
            return (Chunk(datasetHash: hash, status: .ready, chunk: index), chunk)
        }

        /// Gives the download the manifest and waits for it to open its partial file: the chunk requests.
        func open(_ download: DatasetDownload, now: Date) -> DatasetDownload.Step {
            _ = download.receive(answer(Fetch(datasetHash: hash)).0, payload: nil, now: now)
            return DatasetDownloadTests.settle(download, now: now)
        }

        /// Answers every request in turn until the download finishes or fails.
        func run(_ download: DatasetDownload, from requests: [Fetch], now: Date) -> DatasetDownload.Step {
            var queue = requests
            while true {
                if queue.isEmpty {
                    // Nothing asked: a background step (checking, installing) is under way.
                    switch settle(download, now: now) {
                    case .send(let more) where !more.isEmpty: queue += more
                    case .send: return .failed("the download asked for nothing more and did not finish")
                    case let done: return done
                    }
                }
                let (chunk, payload) = answer(queue.removeFirst())
                switch download.receive(chunk, payload: payload, now: now) {
                case .send(let more): queue += more
                case let done: return done
                }
            }
        }
    }

    /// Polls until the download's background step (checking a copy, installing the file) is over.
    static func settle(_ download: DatasetDownload, now: Date) -> DatasetDownload.Step {
        let deadline = Date().addingTimeInterval(10)
        var step = download.poll(now: now)
        while step == .send([]), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.005)
            step = download.poll(now: now)
        }
        return step
    }

    @Test func aFileArrivesChunkByChunkAndIsInstalledChecked() throws {
        let served = try Served()
        let cache = served.cache
        let now = Date()
        let download = DatasetDownload(hash: served.hash, cache: cache, now: now)
        let first = download.start(now: now)
        #expect(first == [Fetch(datasetHash: served.hash)])
        let (manifest, _) = served.answer(first[0])
        #expect(download.receive(manifest, payload: nil, now: now) == .send([]), "the partial file is opened in the background")
        guard case .send(let requests) = Self.settle(download, now: now) else {
            Issue.record("no chunk requests after the manifest")
            return
        }
        #expect(requests.map(\.chunk) == [0, 1, 2], "all three chunks fit the window")
        let step = served.run(download, from: requests, now: now)
        #expect(step == .finished(cache.location(of: served.hash)))
        #expect(try Data(contentsOf: cache.location(of: served.hash)) == served.bytes)
        #expect(cache.file(hash: served.hash) != nil, "the cache accepts the file as checked")
        #expect(download.takeNotes().contains { $0.hasPrefix("fetched dataset") })
    }

    @Test func aChunkDamagedOnTheWayIsAskedForAgainAndThreeTimesEndsTheDownload() throws {
        let served = try Served()
        let now = Date()
        let download = DatasetDownload(hash: served.hash, cache: served.cache, now: now)
        _ = served.open(download, now: now)
        let (chunk, damaged) = served.answer(Fetch(datasetHash: served.hash, chunk: 1), damaging: true)
        #expect(download.receive(chunk, payload: damaged, now: now) == .send([Fetch(datasetHash: served.hash, chunk: 1)]))
        #expect(download.takeNotes().contains { $0.contains("chunk 1") && $0.contains("arrived damaged") })
        let (_, good) = served.answer(Fetch(datasetHash: served.hash, chunk: 1))
        guard case .send = download.receive(chunk, payload: good, now: now) else {
            Issue.record("a good copy of the chunk was not taken")
            return
        }
        // Chunk 2 arrives damaged every time.
        var last = DatasetDownload.Step.send([])
        for _ in 0..<DatasetDownload.maxDamaged {
            let (header, bad) = served.answer(Fetch(datasetHash: served.hash, chunk: 2), damaging: true)
            last = download.receive(header, payload: bad, now: now)
        }
        #expect(last == .failed("chunk 2 arrived damaged 3 times"))
    }

    @Test func aDamagedCachedCopyKeepsItsGoodChunksAndOnlyTheBadOneIsFetched() throws {
        let served = try Served()
        let cache = served.cache
        try FileManager.default.createDirectory(at: cache.folder, withIntermediateDirectories: true)
        var damaged = served.bytes
        damaged[DatasetManifest.minChunkSize + 99] ^= 0x01
        try damaged.write(to: cache.location(of: served.hash))
        #expect(cache.file(hash: served.hash) == nil, "a copy without a matching checksum is not used")
        let now = Date()
        let download = DatasetDownload(hash: served.hash, cache: cache, now: now)
        guard case .send(let requests) = served.open(download, now: now) else {
            Issue.record("no requests after the manifest")
            return
        }
        #expect(requests.map(\.chunk) == [1], "only the damaged chunk travels")
        #expect(download.takeNotes().contains { $0.contains("2 already here, 1 missing or damaged") })
        #expect(served.run(download, from: requests, now: now) == .finished(cache.location(of: served.hash)))
        #expect(try Data(contentsOf: cache.location(of: served.hash)) == served.bytes)
    }

    @Test func aPreparingCoordinatorIsAskedAgainAndAnUnavailableOneEndsTheDownload() throws {
        let served = try Served()
        let now = Date()
        let download = DatasetDownload(hash: served.hash, cache: served.cache, now: now)
        _ = download.start(now: now)
        #expect(download.receive(Chunk(datasetHash: served.hash, status: .preparing), payload: nil, now: now) == .send([]))
        #expect(download.poll(now: now.addingTimeInterval(0.5)) == .send([]))
        #expect(download.poll(now: now.addingTimeInterval(1.1)) == .send([Fetch(datasetHash: served.hash)]))
        // After the manifest, a restarted coordinator answers a chunk with "preparing": asked again in a second.
        _ = served.open(download, now: now)
        _ = download.receive(Chunk(datasetHash: served.hash, status: .preparing, chunk: 1), payload: nil, now: now)
        #expect(download.poll(now: now.addingTimeInterval(1.1)) == .send([Fetch(datasetHash: served.hash, chunk: 1)]))
        let refusal = Chunk(datasetHash: served.hash, status: .unavailable, reason: "no sweep served here has dataset x")
        #expect(download.receive(refusal, payload: nil, now: now) == .failed("the coordinator says: no sweep served here has dataset x"))
    }

    @Test func unansweredRequestsAreSentAgainAndAnInconsistentManifestIsRefused() throws {
        let served = try Served()
        let now = Date()
        let download = DatasetDownload(hash: served.hash, cache: served.cache, now: now)
        _ = served.open(download, now: now)
        #expect(download.poll(now: now.addingTimeInterval(5)) == .send([]))
        let later = now.addingTimeInterval(DatasetDownload.requestTimeout + 1)
        #expect(download.poll(now: later) == .send([0, 1, 2].map { Fetch(datasetHash: served.hash, chunk: $0) }))
        #expect(download.resend(now: now).map(\.chunk) == [0, 1, 2], "after a new hello, everything outstanding")
        // A chunk that never gets an answer ends the download, after a while.
        var silence = DatasetDownload.Step.send([])
        for round in 1...DatasetDownload.maxUnanswered {
            silence = download.poll(now: now.addingTimeInterval(Double(round + 1) * (DatasetDownload.requestTimeout + 1)))
            if case .failed = silence { break }
        }
        #expect(silence == .failed("chunk 0 went unanswered 30 times (5 minutes)"))

        let other = DatasetDownload(hash: served.hash, cache: served.cache, now: now)
        var lying = served.manifest
        lying.size = Int.max
        let step = other.receive(Chunk(datasetHash: served.hash, status: .ready, manifest: lying), payload: nil, now: now)
        guard case .failed(let reason) = step else {
            Issue.record("a manifest whose size does not match its chunks was followed")
            return
        }
        #expect(reason.contains("does not add up"))
    }

    @Test func aCoordinatorStillPreparingIsNotSilence() throws {
        let served = try Served()
        let now = Date()
        let download = DatasetDownload(hash: served.hash, cache: served.cache, now: now)
        _ = served.open(download, now: now)
        // A restarted coordinator answers "preparing" for minutes: the chunk is asked for again each
        // second, and that never counts as going unanswered.
        var clock = now
        let all = [0, 1, 2].map { Fetch(datasetHash: served.hash, chunk: $0) }
        for _ in 0..<(2 * DatasetDownload.maxUnanswered) {
            for index in 0..<3 {
                _ = download.receive(Chunk(datasetHash: served.hash, status: .preparing, chunk: index), payload: nil, now: clock)
            }
            clock = clock.addingTimeInterval(1.1)
            let step = download.poll(now: clock)
            #expect(step == .send(all), "\(step)")
        }
    }

    @Test func anAnswerForASlotThatStoppedWaitingIsNotGivenToTheNextOne() throws {
        let fetcher = DatasetFetcher()
        let hash = String(repeating: "cd", count: 32)
        let cancelled = TrainingCancellation()
        cancelled.cancel()
        #expect(throws: DatasetFetchCancelled.self) { try fetcher.fetch(hash: hash, because: "first", cancellation: cancelled) }
        // The loop had taken the request and answers it late.
        fetcher.answer(hash: hash, with: .failure(DatasetFetchError(hash: hash, reason: "old")))
        let finished = NSCondition()
        nonisolated(unsafe) var result: String?
        Thread.detachNewThread {
            let outcome = (try? fetcher.fetch(hash: hash, because: "second", cancellation: nil).path) ?? "failed"
            finished.lock()
            result = outcome
            finished.signal()
            finished.unlock()
        }
        Thread.sleep(forTimeInterval: 0.3)
        finished.lock()
        #expect(result == nil, "the old answer was handed to the new request")
        finished.unlock()
        #expect(fetcher.takeRequests().map(\.hash) == [hash], "asked again")
        fetcher.answer(hash: hash, with: .success(URL(fileURLWithPath: "/new")))
        finished.lock()
        while result == nil { _ = finished.wait(until: Date().addingTimeInterval(5)) }
        finished.unlock()
        #expect(result == "/new")
    }
}
