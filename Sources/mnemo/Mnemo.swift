import ArgumentParser
import MnemoCluster
import MnemoLearn

/// The `mnemo` command line: run memorization/influence sweeps locally or on a cluster, then inspect
/// and export their scores.
@main
struct Mnemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mnemo",
        abstract: "Feldman–Zhang memorization and influence studies at cluster scale.",
        discussion: """
            Quick start on one machine:
              mnemo run sweeps/quickstart.yaml
            On a cluster:
              mnemo coordinator sweeps/x.yaml --bind 'tcp://*:5555' --db x.sqlite   # on the head node
              mnemo worker --connect tcp://head:5555                               # on every other node
            """,
        version: "mnemo 0.4.0 (training engine \(Trainer.engineVersion))",
        subcommands: [
            RunCommand.self, CoordinatorCommand.self, WorkerCommand.self, StatusCommand.self,
            ScoresCommand.self, ExportCommand.self, TrainCommand.self, SubmitCommand.self, CancelCommand.self,
            RetryCommand.self, DrainCommand.self, SweepsCommand.self, DeleteCommand.self, BackupCommand.self,
            CompareCommand.self,
            AttackCommand.self, KeysCommand.self, ValidateCommand.self, PlanCommand.self, ReportCommand.self,
        ])

    /// Checks the processor (``ProcessorCheck``) and unblocks SIGTERM and SIGINT on the main thread
    /// before anything else runs (see ``StopSignals/unblock()``), then parses and runs the command.
    static func main() async {
        ProcessorCheck.requirePopcount()
        StopSignals.unblock()
        await main(nil)
    }
}
