import Foundation

/// One model's figures from `peers/pytorch_peer.py`.
struct PeerResult: Decodable {
    /// The model's name, as in ``BenchmarkModel``.
    let model: String
    /// Median seconds per epoch.
    let secondsPerEpoch: Double
    /// Training examples per second at that median.
    let examplesPerSecond: Double

    private enum CodingKeys: String, CodingKey {
        case model
        case secondsPerEpoch = "seconds_per_epoch"
        case examplesPerSecond = "examples_per_second"
    }

    /// The results file: the torch version and one entry per model.
    struct File: Decodable {
        let torch: String
        let results: [PeerResult]
    }
}
