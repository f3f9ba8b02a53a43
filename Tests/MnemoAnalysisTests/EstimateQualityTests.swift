import Foundation
import Testing

@testable import MnemoAnalysis

@Suite struct EstimateQualityTests {
    @Test func subsetsToCoverIsTheFirstCountWithLessThanHalfAnExampleExpectedUncovered() throws {
        // 1000 · 0.7^21 = 0.56 (not yet), 1000 · (0.7^22 + 0.3^22) = 0.39.
        #expect(EstimateQuality.subsetsToCover(examples: 1000, membership: 0.7, from: 12) == 22)
        #expect(EstimateQuality.subsetsToCover(examples: 1000, membership: 0.7, from: 30) == 30, "never below the runs done")
        // Symmetric in p and 1 − p: 1000 · 0.5^M · 2 < 0.5 from M = 12.
        #expect(EstimateQuality.subsetsToCover(examples: 1000, membership: 0.5, from: 1) == 12)
        #expect(EstimateQuality.subsetsToCover(examples: 1000, membership: 1, from: 1) == nil)
    }
}
