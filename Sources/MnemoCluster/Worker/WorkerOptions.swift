import MnemoWire

/// How a worker connects and when it gives up.
public struct WorkerOptions: Sendable {
    /// The coordinator's endpoint, e.g. `tcp://head:5555`.
    public var endpoint: String
    /// Stable identity of this worker on the coordinator's ROUTER socket.
    public var workerID: String
    /// In local mode, the coordinator's process id: the worker exits when that process is gone.
    public var parentPID: Int32?
    /// How often to heartbeat.
    public var heartbeat: Duration = .seconds(1)
    /// Resend unacknowledged results after this long without an acknowledgement.
    public var resendAfter: Duration = .seconds(10)
    /// Tasks trained at once, each on its own thread (BLAS threads are per process: keep `--threads 1`
    /// with several slots).
    public var slots = 1
    /// Tasks leased ahead of the ones training, so the next starts without a round trip; nil adapts it
    /// to the tasks' duration (see ``PrefetchPolicy``).
    public var prefetch: Int?
    /// On SIGTERM/SIGINT, how long the running task may go on before it is cancelled (what Slurm and
    /// Kubernetes preemption give).
    public var grace: Duration = .seconds(30)
    /// Exit after this long without a coordinator answering, or connected without work.
    public var idleExit: Duration = .seconds(600)
    /// Where command trainers' inputs, run folders and checkpoints go (see ``TrainerCache``); nil for
    /// `$XDG_CACHE_HOME/mnemo` or `~/.cache/mnemo`.
    public var cacheDirectory: String?
    /// At most this many bytes of datasets in the cache folder's `data/` (`--cache-max`; least recently
    /// used first out), or nil without a bound.
    public var cacheMaxBytes: Int?
    /// GPU ids handed to the slots in turn (`CUDA_VISIBLE_DEVICES` and `{gpu}` of a command trainer);
    /// empty when the worker has none.
    public var gpus: [String] = []
    /// CURVE: this worker's key pair and the coordinator's public key; nil to connect without.
    public var curve: (keyPair: CurveKeyPair, serverKey: String)?
    /// Warn when the coordinator has not answered for this long after connecting.
    public var connectWarning: Duration = .seconds(10)

    public init(endpoint: String, workerID: String, parentPID: Int32?) {
        self.endpoint = endpoint
        self.workerID = workerID
        self.parentPID = parentPID
    }
}
