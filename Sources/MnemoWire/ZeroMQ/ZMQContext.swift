internal import CZeroMQ

/// A libzmq context: the I/O threads and the `inproc://` namespace shared by the sockets made from it.
///
/// The context is terminated in `deinit`. `zmq_ctx_term` blocks until every socket of the context is
/// closed, so each ``ZMQSocket`` keeps a strong reference to its context and closes itself (with
/// `LINGER 0` unless told otherwise) before that reference is released: the context can only go away
/// after its last socket has.
///
/// `@unchecked Sendable`: libzmq contexts are thread-safe (unlike sockets), and the handle is immutable
/// after `init`, so one context may be shared by sockets living on different threads.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// Creates a context.
    ///
    /// - Parameter ioThreads: libzmq I/O threads; one handles well over a gigabyte per second.
    /// - Throws: ``WireError`` if libzmq cannot create the context or rejects the thread count.
    public init(ioThreads: Int = 1) throws(WireError) {
        let handle = try ZMQCall.retrying("zmq_ctx_new") { zmq_ctx_new() }
        do {
            try ZMQCall.check("zmq_ctx_set(ZMQ_IO_THREADS, \(ioThreads))") {
                zmq_ctx_set(handle, ZMQ_IO_THREADS, Int32(clamping: ioThreads))
            }
        } catch {
            zmq_ctx_term(handle)
            throw error
        }
        self.handle = handle
    }

    deinit {
        // Only fails with EFAULT for a bad handle, which cannot happen here; EINTR is retried.
        _ = try? ZMQCall.check("zmq_ctx_term") { zmq_ctx_term(handle) }
    }
}
