import Foundation
import MnemoData
import Testing

/// The content-addressed dataset folder: examples survive the `.npz` round trip under the same hash,
/// a changed file is not used, and a bound removes the least recently used files first.
@Suite struct DatasetFileCacheTests {
    static func examples(classCount: Int, validation: Bool) throws -> DatasetExamples {
        let splits = DatasetSplits(
            source: "made",
            train: LabeledData(features: (0..<40).map { Float($0) / 40 }, labels: [0, 1, 2, 1, 0, 2, 1, 0, 2, 1], dimension: 4, classCount: classCount),
            test: LabeledData(features: (0..<12).map { Float($0) / 12 }, labels: [2, 0, 1], dimension: 4, classCount: classCount))
        let prepared = try PreparedDataset.make(
            splits: splits, trainLimit: validation ? 7 : nil, testLimit: nil, seed: 3, labelNoise: 0,
            validationSize: validation ? 3 : nil)
        return DatasetExamples(prepared)
    }

    @Test(arguments: [false, true])
    func examplesReadBackFromTheirNpzHaveTheSameContentHash(validation: Bool) throws {
        let dir = try TemporaryDirectory()
        // Five classes, of which the labels use three: the count travels in the file.
        let examples = try Self.examples(classCount: 5, validation: validation)
        let url = dir.url.appendingPathComponent("d.npz")
        try NpzWriter.write(examples.npzArrays(imageShape: [1, 2, 2]), to: url)
        let back = try DatasetExamples.read(npz: url)
        #expect(back.contentHash == examples.contentHash)
        #expect(back.train == examples.train && back.test == examples.test && back.validation == examples.validation)
        #expect(back.train.classCount == 5)
    }

    @Test func aFileIsWrittenOnceAndAChangedOneIsNotUsed() throws {
        let dir = try TemporaryDirectory()
        let cache = DatasetFileCache(folder: dir.url.appendingPathComponent("data"))
        let examples = try Self.examples(classCount: 3, validation: false)
        var writes = 0
        let write: (URL) throws -> Void = { url in
            writes += 1
            try NpzWriter.write(examples.npzArrays(imageShape: nil), to: url)
        }
        let file = try cache.file(hash: examples.contentHash, write: write)
        #expect(try cache.file(hash: examples.contentHash, write: write) == file)
        #expect(writes == 1)
        // Another process (or a disk error) changes a byte: the next process refuses the copy.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: file)
        let fresh = DatasetFileCache(folder: cache.folder)
        #expect(fresh.file(hash: examples.contentHash) == nil)
        _ = try fresh.file(hash: examples.contentHash, write: write)
        #expect(writes == 2, "rewritten")
        #expect(fresh.file(hash: "../../etc/passwd") == nil, "a hash is never a path")
    }

    @Test func theBoundRemovesTheLeastRecentlyUsedFilesFirst() throws {
        let dir = try TemporaryDirectory()
        let size = 10_000
        let cache = DatasetFileCache(folder: dir.url.appendingPathComponent("data"), maxBytes: 2 * size + size / 2)
        let hashes = ["a", "b", "c", "d"].map { String(repeating: $0, count: 64) }
        func add(_ hash: String) throws {
            _ = try cache.file(hash: hash) { try Data(repeating: 7, count: size).write(to: $0) }
        }
        try add(hashes[0])
        Thread.sleep(forTimeInterval: 0.02)
        try add(hashes[1])
        Thread.sleep(forTimeInterval: 0.02)
        #expect(cache.file(hash: hashes[0]) != nil, "a is used again: b is now the least recent")
        Thread.sleep(forTimeInterval: 0.02)
        try add(hashes[2])
        #expect(cache.file(hash: hashes[1]) == nil, "b was removed")
        #expect(cache.file(hash: hashes[0]) != nil && cache.file(hash: hashes[2]) != nil)
        #expect(cache.totalBytes() <= 2 * size + size / 2)
        // A file larger than the bound stays (it is the one in use), alone.
        let small = DatasetFileCache(folder: cache.folder, maxBytes: size / 2)
        _ = try small.file(hash: hashes[3]) { try Data(repeating: 1, count: size).write(to: $0) }
        #expect(small.file(hash: hashes[3]) != nil)
        #expect(small.totalBytes() == size)
    }

    @Test func installingRemovesThePartialFilesNoDownloadHolds() throws {
        let dir = try TemporaryDirectory()
        let cache = DatasetFileCache(folder: dir.url.appendingPathComponent("data"))
        try FileManager.default.createDirectory(at: cache.folder, withIntermediateDirectories: true)
        let hash = String(repeating: "e", count: 64)
        let abandoned = cache.partialFile(hash: hash)
        let held = cache.folder.appendingPathComponent(".\(hash).npz.4242.part")
        let mine = cache.folder.appendingPathComponent("download")
        for url in [abandoned, held, mine] { try Data(repeating: 3, count: 100).write(to: url) }
        // Another download still writes `held`: it keeps the file locked.
        let descriptor = open(held.path, O_RDWR)
        #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        defer { close(descriptor) }
        _ = try cache.install(mine, hash: hash, sha256: DatasetFileCache.sha256(of: Data(repeating: 3, count: 100)))
        #expect(!FileManager.default.fileExists(atPath: abandoned.path), "a dead download's partial file is removed")
        #expect(FileManager.default.fileExists(atPath: held.path), "a download in progress keeps its file")
        #expect(cache.file(hash: hash) != nil)
    }
}
