internal import CZeroMQ
import Foundation

/// The one place that turns libzmq's C error convention into ``WireError``.
///
/// libzmq reports failure as `-1` (or `NULL`) and leaves the reason in `zmq_errno()`. A signal arriving
/// during a blocking call yields `EINTR`, which is not a failure: the call is simply made again.
enum ZMQCall {
    /// Runs `call` until it returns something other than `nil` or fails with an error other than `EINTR`.
    ///
    /// - Parameters:
    ///   - operation: names the call in the thrown error; evaluated only on failure.
    ///   - call: the C call, mapped so that failure is `nil`.
    /// - Throws: ``WireError`` carrying `zmq_errno()` and `zmq_strerror`'s text.
    static func retrying<Result>(
        _ operation: @autoclosure () -> String,
        _ call: () -> Result?
    ) throws(WireError) -> Result {
        while true {
            if let result = call() {
                return result
            }
            let code = zmq_errno()
            if code != EINTR {
                throw error(operation(), errno: code)
            }
        }
    }

    /// ``retrying(_:_:)`` for the calls that return a non-negative `Int32` on success and `-1` on failure.
    @discardableResult
    static func check(_ operation: @autoclosure () -> String, _ call: () -> Int32) throws(WireError) -> Int32 {
        try retrying(operation()) {
            let status = call()
            return status >= 0 ? status : nil
        }
    }

    /// A ``WireError`` whose message is libzmq's text for `errno`.
    static func error(_ operation: String, errno code: Int32) -> WireError {
        let message = zmq_strerror(code).map { String(cString: $0) } ?? "unknown error"
        return WireError(operation: operation, errno: code, message: message)
    }
}
