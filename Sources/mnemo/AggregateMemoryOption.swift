import ArgumentParser
import MnemoCluster

/// `--aggregate-memory`, for the commands that run a coordinator.
struct AggregateMemoryOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "At most this much memory for the live estimates `mnemo scores` reads, one aggregate per trial served, "
                + "e.g. 512M; trials beyond it are aggregated from the database when asked; 0 keeps none (default: 2G)."))
    var aggregateMemory: ByteSize?

    /// The budget in bytes.
    var bytes: Int { aggregateMemory?.bytes ?? CoordinatorOptions.defaultAggregateMemoryBytes }
}
