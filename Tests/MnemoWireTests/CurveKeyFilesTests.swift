import Foundation
import MnemoTestSupport
import MnemoWire
import Testing

/// Key files: written with their modes, read back, refused when a secret is readable by others, also
/// through a symbolic link (as a Kubernetes Secret volume presents them).
@Suite struct CurveKeyFilesTests {
    @Test func aSecretKeyIsJudgedByTheModeOfTheFileItsLinkPointsTo() throws {
        let dir = try TemporaryDirectory()
        let (secret, publicPath) = try CurveKeyFiles.generate(in: dir.path("keys"), name: "w")
        let pair = try CurveKeyFiles.loadSecret(secret)
        #expect(pair.publicKey == (try CurveKeyFiles.loadPublic(publicPath)))
        let link = dir.path("linked.key")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: secret)
        #expect(try CurveKeyFiles.loadSecret(link) == pair)
        chmod(secret, 0o644)
        #expect(throws: CurveKeyError(.readableByOthers(mode: 0o644), path: link)) { try CurveKeyFiles.loadSecret(link) }
        #expect(throws: CurveKeyError(.readableByOthers(mode: 0o644), path: secret)) { try CurveKeyFiles.loadSecret(secret) }
    }

    @Test func allowlistsAreFilesOfKeysOrFoldersOfPublicKeyFiles() throws {
        let dir = try TemporaryDirectory()
        let first = try CurveKeyFiles.loadPublic(try CurveKeyFiles.generate(in: dir.path("workers"), name: "a").public)
        let second = try CurveKeyFiles.loadPublic(try CurveKeyFiles.generate(in: dir.path("workers"), name: "b").public)
        #expect(try CurveKeyFiles.loadAllowlist(dir.path("workers")) == [first, second])
        let list = try dir.write("# two workers\n\(first)  # node 1\n\n\(second)\n", to: "list")
        #expect(try CurveKeyFiles.loadAllowlist(list) == [first, second])
        let bad = try dir.write("\(first)\nnot-a-key\n", to: "bad")
        #expect(throws: CurveKeyError(.badAllowlistLine(2), path: bad)) { try CurveKeyFiles.loadAllowlist(bad) }
        let empty = try dir.write("# nobody\n", to: "empty")
        #expect(throws: CurveKeyError(.emptyAllowlist, path: empty)) { try CurveKeyFiles.loadAllowlist(empty) }
    }
}
