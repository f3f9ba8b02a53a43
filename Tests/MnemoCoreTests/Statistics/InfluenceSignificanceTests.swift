import Foundation
import MnemoCore
import MnemoTestSupport
import Testing

@Suite struct InfluenceSignificanceTests {
    @Test func qValuesFollowBenjaminiHochbergByHand() {
        // m = 5, sorted p: 0.01, 0.02, 0.03, 0.04, 0.5 → m·p/k: 0.05, 0.05, 0.05, 0.05, 0.5; running minimum from the right.
        let procedure = InfluenceSignificance(pValues: [0.04, 0.5, 0.01, 0.03, 0.02])
        for (p, q) in [(0.01, 0.05), (0.02, 0.05), (0.03, 0.05), (0.04, 0.05), (0.5, 0.5)] {
            #expect(abs(procedure.qValue(pValue: p) - q) < 1e-12, "p \(p)")
        }
        #expect(procedure.discoveries(at: 0.05) == 4 && procedure.discoveries(at: 0.01) == 0)
        // A later small m·p/k pulls earlier ranks down: p 0.03, 0.031 → 2·0.03/1 = 0.06, 2·0.031/2 = 0.031.
        let pulled = InfluenceSignificance(pValues: [0.03, 0.031])
        #expect(abs(pulled.qValue(pValue: 0.03) - 0.031) < 1e-12)
    }

    @Test func pValuesAreTheNormalUpperTail() {
        #expect(abs(InfluenceSignificance.pValue(influence: 0, standardError: 1) - 0.5) < 1e-15)
        #expect(abs(InfluenceSignificance.pValue(influence: 0.196, standardError: 0.1) - 0.024997895) < 1e-8)
        #expect(abs(InfluenceSignificance.pValue(influence: -0.2, standardError: 0.1) - 0.977249868) < 1e-8)
    }

    @Test(.enabled(if: NumPy.isAvailable, "NumPy is not installed"))
    func agreesWithAnIndependentProcedure() throws {
        var generator = SystemRandomNumberGenerator()
        let pValues = (0..<500).map { _ in Double.random(in: 0...1, using: &generator) * Double.random(in: 0...1, using: &generator) }
        let procedure = InfluenceSignificance(pValues: pValues)
        let script = """
            import sys, numpy as np
            p = np.array([float(x) for x in sys.argv[1].split(",")])
            order = np.argsort(p); m = len(p)
            ranked = p[order] * m / np.arange(1, m + 1)
            q = np.minimum.accumulate(ranked[::-1])[::-1]
            out = np.empty(m); out[order] = np.minimum(q, 1)
            print(",".join(repr(float(x)) for x in out))
            """
        let expected = try NumPy.run(script, arguments: [pValues.map { "\($0)" }.joined(separator: ",")])
            .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").compactMap { Double($0) }
        #expect(expected.count == pValues.count)
        for (p, q) in zip(pValues, expected) {
            #expect(abs(procedure.qValue(pValue: p) - q) < 1e-12)
        }
    }
}
