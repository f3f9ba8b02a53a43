import Foundation
import ArgumentParser

/// A ZeroMQ endpoint given on the command line: `tcp://HOST:PORT` (a port, or `*` to bind any) or
/// `ipc:///path`. Checked when the arguments are parsed, so a typo fails at once with a usage error
/// instead of a worker waiting for ever on an address that cannot exist.
struct Endpoint: ExpressibleByArgument, CustomStringConvertible, Sendable {
    let description: String

    init?(argument: String) {
        if argument.hasPrefix("tcp://") {
            let rest = argument.dropFirst("tcp://".count)
            guard let colon = rest.lastIndex(of: ":"), colon != rest.startIndex else { return nil }
            let port = rest[rest.index(after: colon)...]
            guard port == "*" || UInt16(port).map({ $0 > 0 }) == true else { return nil }
        } else if argument.hasPrefix("ipc://") {
            guard argument.count > "ipc://".count else { return nil }
        } else {
            return nil
        }
        description = argument
    }

    static var defaultValueDescription: String { "tcp://HOST:PORT or ipc:///PATH" }

    /// Whether only this machine can reach it: `ipc://`, or TCP on a loopback address.
    var isLocal: Bool {
        guard description.hasPrefix("tcp://") else { return true }
        let rest = description.dropFirst("tcp://".count)
        let host = rest[..<(rest.lastIndex(of: ":") ?? rest.endIndex)].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
