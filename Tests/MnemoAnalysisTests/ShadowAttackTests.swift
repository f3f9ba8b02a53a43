import Foundation
import MnemoAnalysis
import Testing

/// LiRA and RMIA on reference statistics small enough to work out by hand.
@Suite struct ShadowAttackTests {
    /// Example 0: IN values 9, 10, 11 and OUT values −1, 0, 1 over six reference runs.
    static let references = ReferenceStatistics(
        values: [[9], [10], [11], [-1], [0], [1]], membership: [[true], [true], [true], [false], [false], [false]])

    @Test func referenceStatisticsPerSide() {
        let stats = Self.references
        #expect(stats.inside.counts == [3] && stats.inside.means == [10] && stats.inside.variance(at: 0) == 1)
        #expect(stats.outside.means == [0] && stats.outside.pooledVariance == 1)
    }

    @Test func liraOfflineIsTheOneSidedDistanceAboveOut() {
        for variance in [LiRA.Variance.perExample, .global] {
            let scores = LiRA.offlineScores(target: [3], references: Self.references, variance: variance)
            #expect(abs(scores[0] - 3) < 1e-12, "(3 − 0) / 1 under \(variance)")
        }
    }

    @Test func liraOnlineIsTheLogLikelihoodRatio() {
        // Equal variances of 1: log N(x; 10, 1) − log N(x; 0, 1) = ((x − 0)² − (x − 10)²) / 2.
        for x in [10.0, 0, 5, 7.5] {
            let score = LiRA.onlineScores(target: [x], references: Self.references, variance: .perExample)[0]
            #expect(abs(score - (x * x - (x - 10) * (x - 10)) / 2) < 1e-9)
        }
        #expect(LiRA.variance(referenceRuns: 15) == .global && LiRA.variance(referenceRuns: 64) == .perExample)
    }

    @Test func anExampleWithoutOutRunsTakesThePooledMean() {
        // Example 1 is IN in every run; its OUT mean falls back to the mean of all OUT values (example
        // 0's −1 and 3: 1), the variance is example 0's (8).
        let stats = ReferenceStatistics(values: [[9, 4], [-1, 6], [3, 5]], membership: [[true, true], [false, true], [false, true]])
        let scores = LiRA.offlineScores(target: [0, 3], references: stats, variance: .global)
        #expect(abs(scores[1] - 2 / 8.0.squareRoot()) < 1e-12)
    }

    /// a = 0.3, OUT mean 0.5: Pr(x) = (1.3 · 0.5 + 0.7) / 2 = 0.675, so a target p_y of 0.675 has ratio 1.
    /// Population samples with ratios 0.5, 0.9, 1.1, 2: two are below 1, score 0.5.
    @Test func rmiaCountsThePopulationSamplesItBeats() {
        let references = ReferenceStatistics(values: [[0.4], [0.6]], membership: [[false], [false]])
        let population = ReferenceStatistics(values: [[0.5, 0.5, 0.5, 0.5]], membership: [[false, false, false, false]])
        let scores = RMIA.scores(
            target: [0.675], references: references, populationTarget: [0.5, 0.9, 1.1, 2].map { $0 * 0.675 },
            populationReferences: population)
        #expect(abs(scores[0] - 0.5) < 1e-12)
    }
}
