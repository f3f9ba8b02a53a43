import Foundation
import MnemoStore
import Testing

/// Readers open an intact database where nothing can be written beside it, such as a read-only mount.
@Suite struct ReadOnlyMountTests {
    /// Runs `body` on a new empty folder, removed afterwards.
    func withFolder(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("mnemo-archive-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }

    @Test(.enabled(if: ReadOnlyMount.isPermitted, "needs root and the right to bind-mount a folder read-only"))
    func aClosedDatabaseOnAReadOnlyMountOpensForReading() throws {
        try withFolder { folder in
            let db = try TestDatabase()
            do {
                let writer = try Store(path: folder.appendingPathComponent("runs.sqlite").path)
                try db.addSweep(trials: 2, subsets: 3, on: writer)
            }
            let left = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            #expect(left == ["runs.sqlite"], "closing the writer checkpoints and removes -wal and -shm")
            try ReadOnlyMount.reading(folder) { view in
                #expect(!FileManager.default.isWritableFile(atPath: view.path))
                let reader = try Store.openReadOnly(path: view.appendingPathComponent("runs.sqlite").path)
                #expect(reader.isReadOnly)
                #expect(try reader.sweeps().map(\.id) == ["sweep-a"])
                #expect(try reader.progress(sweepID: "sweep-a").map(\.pending) == [3, 3])
            }
        }
    }

    @Test(.enabled(if: ReadOnlyMount.isPermitted, "needs root and the right to bind-mount a folder read-only"))
    func aFileThatIsNotADatabaseStillSaysSoOnAReadOnlyMount() throws {
        try withFolder { folder in
            try Data("not a database".utf8).write(to: folder.appendingPathComponent("notes.sqlite"))
            try ReadOnlyMount.reading(folder) { view in
                let error = try #require(throws: StoreError.self) {
                    try Store.openReadOnly(path: view.appendingPathComponent("notes.sqlite").path)
                }
                #expect(error.reason == .notMnemoDatabase)
            }
        }
    }
}
