import Foundation
import Synchronization

/// A process-wide flag raised by SIGINT or SIGTERM, polled by the coordinator and worker loops so they
/// can stop between messages: finished results are committed, workers are told goodbye.
public enum StopSignal {
    private static let raised = Atomic<Bool>(false)

    /// Whether a stop was requested.
    public static var isRaised: Bool { raised.load(ordering: .relaxed) }

    /// Requests a stop (also used by tests and by the local launcher when a child fails).
    public static func raise() { raised.store(true, ordering: .relaxed) }

    /// Routes SIGINT and SIGTERM to ``raise()``. A second signal of the same kind kills at once.
    ///
    /// Both are also unblocked on the calling thread: a process inherits its parent's signal mask, and
    /// a parent that spawned it from a thread that blocks them (a Swift concurrency pool thread, for
    /// one) would otherwise leave SIGTERM pending for ever.
    public static func install() {
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        sigaddset(&unblocked, SIGINT)
        sigaddset(&unblocked, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { number in
                if StopSignal.isRaised {
                    signal(number, SIG_DFL)
                    kill(getpid(), number)
                }
                StopSignal.raise()
            }
        }
    }
}
