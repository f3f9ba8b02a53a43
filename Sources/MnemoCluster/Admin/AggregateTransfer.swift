import Foundation
import MnemoAnalysis
import MnemoCore
import MnemoWire

/// A trial's live aggregate on its way from a coordinator to `mnemo scores`, as an ``AdminReply``: a
/// JSON ``Document`` (the runs' totals and the array lengths) in `aggregateDocument`, and in the
/// payload the counts (per training example: in, in and correct, correct; per test example: correct)
/// as little-endian `UInt32`s followed by the influence sums as little-endian `Float`s. Every count is
/// at most 2²⁴ runs, so both are exact.
enum AggregateTransfer {
    /// What travels in the reply's header.
    struct Document: Codable, Equatable {
        var sweep: String
        var trial: Int
        var totals: TrialRunTotals
        var minimumSubsetAccuracy: Double?
        var trainCount: Int
        var testCount: Int
        var sumCount: Int
    }

    /// The reply carrying `snapshot`, the live aggregate of trial `trial` of sweep `sweep`.
    static func reply(_ snapshot: TrialAggregate.Snapshot, sweep: String, trial: Int) throws -> AdminReply {
        let state = snapshot.state
        let document = Document(
            sweep: sweep, trial: trial, totals: snapshot.totals, minimumSubsetAccuracy: state.minimumSubsetAccuracy,
            trainCount: state.trainInCounts.count, testCount: state.testCorrect.count, sumCount: state.sums.count)
        var payload = Data(capacity: 4 * (3 * document.trainCount + document.testCount + document.sumCount))
        for counts in [state.trainInCounts, state.trainInCorrect, state.trainCorrect, state.testCorrect] {
            append(counts.map { UInt32(truncatingIfNeeded: $0).littleEndian }, to: &payload)
        }
        append(state.sums.map { $0.bitPattern.littleEndian }, to: &payload)
        return AdminReply(
            ok: true, message: "live aggregate of \(snapshot.totals.runs) runs",
            aggregateDocument: String(decoding: try JSONEncoder().encode(document), as: UTF8.self), payload: payload)
    }

    private static func append(_ words: [UInt32], to data: inout Data) {
        words.withUnsafeBytes { data.append(contentsOf: $0) }
    }

    /// The document and snapshot a reply carries.
    ///
    /// - Throws: ``AdminError`` when the reply carries no aggregate, or one whose payload does not
    ///   match its document.
    static func snapshot(from reply: AdminReply) throws -> (Document, TrialAggregate.Snapshot) {
        guard let text = reply.aggregateDocument, let payload = reply.payload else {
            throw AdminError(message: "the coordinator's reply carries no aggregate: \(reply.message)")
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(text.utf8))
        } catch {
            throw AdminError(message: "the coordinator's aggregate document is malformed: \(error)")
        }
        let (n, t, sums) = (document.trainCount, document.testCount, document.sumCount)
        guard n >= 0, t >= 0, sums >= 0, payload.count == 4 * (3 * n + t + sums) else {
            throw AdminError(
                message: "the coordinator's aggregate payload has \(payload.count) bytes, not the \(4 * (3 * max(n, 0) + max(t, 0) + max(sums, 0))) its document announces")
        }
        let words = payload.withUnsafeBytes { raw in
            (0..<(payload.count / 4)).map { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) }
        }
        func counts(_ start: Int, _ count: Int) -> [Int] { words[start..<start + count].map(Int.init) }
        let state = InfluenceAccumulator.State(
            runs: document.totals.runs, trainInCounts: counts(0, n), trainInCorrect: counts(n, n),
            trainCorrect: counts(2 * n, n), testCorrect: counts(3 * n, t), minimumSubsetAccuracy: document.minimumSubsetAccuracy,
            sums: words[(3 * n + t)...].map(Float.init(bitPattern:)))
        return (document, TrialAggregate.Snapshot(state: state, totals: document.totals))
    }
}
