internal import CZeroMQ
import Foundation

/// A CURVE key pair as libzmq writes it: each key 32 bytes, as text in Z85 (40 characters).
///
/// The public key is derived from the secret one, so a secret key file is all a coordinator or a worker
/// needs; the public half is what goes into the other side's allowlist (or `--server-key`).
public struct CurveKeyPair: Sendable, Equatable {
    /// The public key, 40 Z85 characters.
    public let publicKey: String
    /// The secret key, 40 Z85 characters.
    public let secretKey: String

    /// A fresh key pair from libzmq's generator (libsodium underneath).
    ///
    /// - Throws: ``WireError`` when libzmq was built without CURVE.
    public static func generate() throws(WireError) -> CurveKeyPair {
        var publicKey = [CChar](repeating: 0, count: 41)
        var secretKey = [CChar](repeating: 0, count: 41)
        try ZMQCall.check("zmq_curve_keypair") { zmq_curve_keypair(&publicKey, &secretKey) }
        return CurveKeyPair(publicKey: text(publicKey), secretKey: text(secretKey))
    }

    private init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// The pair of a secret key.
    ///
    /// - Throws: ``CurveKeyError`` when `secretKey` is not 40 Z85 characters.
    public init(secretKey: String) throws(CurveKeyError) {
        guard Self.decode(secretKey) != nil else { throw CurveKeyError(.notAKey(secretKey.count)) }
        var publicKey = [CChar](repeating: 0, count: 41)
        guard zmq_curve_public(&publicKey, secretKey) == 0 else { throw CurveKeyError(.notAKey(secretKey.count)) }
        self.init(publicKey: Self.text(publicKey), secretKey: secretKey)
    }

    /// The 32 bytes of a Z85 key, or nil when `text` is not 40 Z85 characters.
    public static func decode(_ text: String) -> Data? {
        guard text.utf8.count == 40 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 32)
        guard zmq_z85_decode(&bytes, text) != nil else { return nil }
        return Data(bytes)
    }

    /// The Z85 text of 32 key bytes.
    public static func encode(_ key: Data) -> String? {
        guard key.count == 32 else { return nil }
        var text = [CChar](repeating: 0, count: 41)
        let encoded = key.withUnsafeBytes { raw in
            zmq_z85_encode(&text, raw.bindMemory(to: UInt8.self).baseAddress, 32)
        }
        return encoded == nil ? nil : Self.text(text)
    }

    /// A NUL-terminated C string as text.
    private static func text(_ characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
