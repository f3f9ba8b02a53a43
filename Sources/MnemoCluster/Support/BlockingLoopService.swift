import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// A swift-service-lifecycle `Service` around a blocking loop (the coordinator's or a worker's, which
/// poll ZeroMQ sockets and run BLAS on threads of their own): the loop runs on a dedicated thread, and
/// the group's graceful shutdown (SIGTERM, SIGINT) raises its ``StopFlag``, so it stops between
/// messages, ships or hands back its work, and returns. Its result is kept for the command to report.
///
/// ```swift
/// let service = BlockingLoopService { stop in try coordinator.run(progress: nil, stop: stop) }
/// try await ServiceGroup.runUntilStopped(service, logger: logger)
/// let exit = try service.result()
/// ```
public final class BlockingLoopService<Output: Sendable>: Service, Sendable {
    private let body: @Sendable (StopFlag) throws -> Output
    private let stop = StopFlag()
    private let outcome = Mutex<Result<Output, any Error>?>(nil)

    public init(_ body: @escaping @Sendable (StopFlag) throws -> Output) {
        self.body = body
    }

    public func run() async throws {
        let stop = stop
        let body = body
        let result: Result<Output, any Error> = await withGracefulShutdownHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    continuation.resume(returning: Result { try body(stop) })
                }
                thread.name = "mnemo-loop"
                thread.stackSize = 8 << 20
                thread.start()
            }
        } onGracefulShutdown: {
            stop.raise()
        }
        outcome.withLock { $0 = result }
    }

    /// What the loop returned or threw; call after the service ran.
    ///
    /// - Throws: the loop's error, or ``BlockingLoopError`` when it never ran.
    public func result() throws -> Output {
        guard let result = outcome.withLock({ $0 }) else { throw BlockingLoopError() }
        return try result.get()
    }
}

/// ``BlockingLoopService/result()`` was asked before the loop ran.
public struct BlockingLoopError: Error, CustomStringConvertible {
    public var description: String { "the loop did not run (its service group ended first)" }
}

extension ServiceGroup {
    /// Runs one service until it returns, shutting it down gracefully on SIGTERM or SIGINT.
    public static func runUntilStopped(_ service: some Service, alongside others: [any Service] = [], logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)]
                    + others.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// SIGTERM and SIGINT, the signals that stop Mnemo's long-running commands gracefully.
public enum StopSignals {
    /// Unblocks both on the calling thread; call it first thing on the main thread. A process inherits
    /// its parent's signal mask, and a parent that spawned it from a thread that blocks them (a Swift
    /// concurrency pool thread, for one) would otherwise leave SIGTERM pending for ever.
    public static func unblock() {
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        sigaddset(&unblocked, SIGINT)
        sigaddset(&unblocked, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
    }
}
