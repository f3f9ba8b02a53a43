import Foundation

/// Runs `peers/pytorch_peer.py` for one model and one trial, so that PyTorch and engine trials
/// interleave and a shared machine's changing load falls on both alike.
struct PeerRunner {
    /// The Python of the peer's virtual environment.
    let python: URL
    /// The peer script.
    let script: URL

    /// The peer's result for `model` (one trial of `options.epochs` timed epochs of `examples`).
    func run(model: BenchmarkModel, examples: Int, options: BenchmarkOptions) throws -> (
        result: PeerResult, torch: String
    ) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mnemo-peer-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = python
        process.arguments = [
            script.path, "--model", model.name, "--trials", "1", "--epochs", String(options.epochs),
            "--examples", String(examples), "--batch", String(options.batchSize), "--threads", "1",
            "--data", options.dataDirectory.path, "--json", output.path,
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PeerFailure(
                status: process.terminationStatus, command: ([python.path] + process.arguments!).joined(separator: " "))
        }
        let file = try JSONDecoder().decode(PeerResult.File.self, from: Data(contentsOf: output))
        guard let result = file.results.first(where: { $0.model == model.name }) else {
            throw PeerFailure(status: 0, command: "peer output without \(model.name)")
        }
        return (result, file.torch)
    }
}

/// The peer script failed.
struct PeerFailure: Error, CustomStringConvertible {
    let status: Int32
    let command: String
    var description: String { "the PyTorch peer exited with status \(status): \(command)" }
}
