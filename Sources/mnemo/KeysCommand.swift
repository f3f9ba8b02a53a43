import ArgumentParser
import Foundation
import MnemoWire

extension Mnemo {
    struct KeysCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keys",
            abstract: "Make CURVE keys for a coordinator and its workers.",
            subcommands: [Generate.self])

        struct Generate: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Write a new key pair: NAME.key (secret, mode 0600) and NAME.pub.",
                discussion: """
                    The coordinator takes its secret key with --key and the workers' public keys with --allow
                    (a .pub file, a file of keys one per line, or a folder of .pub files); a worker takes its
                    own secret key with --key and the coordinator's public key with --server-key. Workers may
                    share one key (a Slurm array, a Kubernetes Secret) as long as their --id differ. Example:
                      mnemo keys generate --out keys --name coordinator
                      mnemo keys generate --out keys/workers --name worker
                      mnemo coordinator sweep.yaml --bind 'tcp://*:5555' --key keys/coordinator.key --allow keys/workers
                      mnemo worker --connect tcp://head:5555 --key keys/workers/worker.key --server-key keys/coordinator.pub
                    """)

            @Option(help: "Folder to write the files into (created if needed).")
            var out: String = "."

            @Option(help: "The files' name, without extension.")
            var name: String = "mnemo"

            func validate() throws {
                guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
                    throw ValidationError("--name must be a file name without '/', got '\(name)'")
                }
            }

            @OptionGroup var logging: LoggingOptions

            func run() throws {
                _ = logging.makeLogger("mnemo.keys")
                let (secret, publicPath) = try CurveKeyFiles.generate(in: out, name: name)
                print("secret key: \(secret) (keep it private; mode 0600)")
                print("public key: \(publicPath) \(try CurveKeyFiles.loadPublic(publicPath))")
            }
        }
    }
}
