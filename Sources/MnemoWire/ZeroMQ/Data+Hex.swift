import Foundation
import MnemoCore

extension Data {
    /// The bytes as `0x` and two lowercase hex digits each, for logging binary identities and frames.
    var hexDescription: String {
        "0x" + Hex.string(self)
    }
}
