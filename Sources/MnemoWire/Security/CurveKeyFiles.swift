import Foundation

/// Key files: `NAME.key` holds the secret key (mode 0600; refused when others may read it), `NAME.pub`
/// the public one; each is one line of Z85 text. An allowlist is a file of public keys (one per line,
/// optionally followed by a comment; lines starting with `#` are comments) or a folder whose `*.pub`
/// files each hold one.
public enum CurveKeyFiles {
    /// Writes a new key pair as `NAME.key` and `NAME.pub` in `folder`, never over an existing file.
    ///
    /// - Returns: the paths of the secret and public key files.
    /// - Throws: ``CurveKeyError``, or ``WireError`` when libzmq has no CURVE.
    public static func generate(in folder: String, name: String) throws -> (secret: String, public: String) {
        let pair = try CurveKeyPair.generate()
        let secretPath = (folder as NSString).appendingPathComponent("\(name).key")
        let publicPath = (folder as NSString).appendingPathComponent("\(name).pub")
        for path in [secretPath, publicPath] where FileManager.default.fileExists(atPath: path) {
            throw CurveKeyError(.exists, path: path)
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // Created with mode 0600 from the start: the secret is never readable by others, not even briefly.
        guard FileManager.default.createFile(atPath: secretPath, contents: Data((pair.secretKey + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CurveKeyError(.unreadable("cannot create the file"), path: secretPath)
        }
        guard FileManager.default.createFile(atPath: publicPath, contents: Data((pair.publicKey + "\n").utf8), attributes: [.posixPermissions: 0o644]) else {
            throw CurveKeyError(.unreadable("cannot create the file"), path: publicPath)
        }
        return (secretPath, publicPath)
    }

    /// The key pair of a secret key file, refused when the file is readable by group or others.
    ///
    /// - Throws: ``CurveKeyError``.
    public static func loadSecret(_ path: String) throws(CurveKeyError) -> CurveKeyPair {
        let attributes: [FileAttributeKey: Any]
        do {
            // The file a link points to: a Kubernetes Secret volume holds keys as symbolic links
            // (mode 0777 themselves), whose targets carry the mode that matters.
            let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
            attributes = try FileManager.default.attributesOfItem(atPath: target)
        } catch {
            throw CurveKeyError(.unreadable("no such file"), path: path)
        }
        let mode = UInt16((attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777)
        guard mode & 0o077 == 0 else { throw CurveKeyError(.readableByOthers(mode: mode), path: path) }
        let text = try firstLine(of: path)
        do {
            return try CurveKeyPair(secretKey: text)
        } catch {
            throw CurveKeyError(error.reason, path: path)
        }
    }

    /// The public key in a `.pub` file.
    ///
    /// - Throws: ``CurveKeyError``.
    public static func loadPublic(_ path: String) throws(CurveKeyError) -> String {
        let text = try firstLine(of: path)
        guard CurveKeyPair.decode(text) != nil else { throw CurveKeyError(.notAKey(text.count), path: path) }
        return text
    }

    /// The public keys of an allowlist: a file of keys, or a folder of `.pub` files.
    ///
    /// - Throws: ``CurveKeyError`` for an unreadable or empty allowlist or a line that is not a key.
    public static func loadAllowlist(_ path: String) throws(CurveKeyError) -> Set<String> {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CurveKeyError(.unreadable("no such file or folder"), path: path)
        }
        var keys: Set<String> = []
        if isFolder.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            for name in names.sorted() where name.hasSuffix(".pub") {
                keys.insert(try loadPublic((path as NSString).appendingPathComponent(name)))
            }
        } else {
            // Z85 uses `#` too: a line's first word is a key if it decodes as one; otherwise the line must
            // be empty or a comment (starting with `#`). Anything after the key is a comment.
            for (index, line) in try contents(of: path).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let word = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).first.map(String.init) ?? ""
                if CurveKeyPair.decode(word) != nil {
                    keys.insert(word)
                } else if !word.isEmpty, !word.hasPrefix("#") {
                    throw CurveKeyError(.badAllowlistLine(index + 1), path: path)
                }
            }
        }
        guard !keys.isEmpty else { throw CurveKeyError(.emptyAllowlist, path: path) }
        return keys
    }

    private static func firstLine(of path: String) throws(CurveKeyError) -> String {
        try contents(of: path).split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
    }

    private static func contents(of path: String) throws(CurveKeyError) -> String {
        // Key files are a line long; anything large is not one (and is not read whole).
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CurveKeyError(.unreadable("no such file"), path: path) }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 1 << 20)).flatMap { $0 } ?? Data()
        guard let text = String(data: data, encoding: .utf8) else {
            throw CurveKeyError(.unreadable("not text"), path: path)
        }
        return text
    }
}
