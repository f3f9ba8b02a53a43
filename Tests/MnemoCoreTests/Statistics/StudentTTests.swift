import Foundation
import MnemoCore
import Testing

@Suite struct StudentTTests {
    /// Two-sided 95% critical values t_{0.975, ν} from standard tables (e.g. scipy.stats.t.ppf).
    @Test(arguments: [(1.0, 12.706204736), (2, 4.302652730), (3, 3.182446305), (10, 2.228138852), (30, 2.042272456), (1000, 1.962339081)])
    func quantilesMatchTheTables(nu: Double, expected: Double) {
        #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: nu) - expected) < 1e-8)
        #expect(abs(StudentT.quantile(0.025, degreesOfFreedom: nu) + expected) < 1e-8)
    }

    @Test func theCumulativeOfOneDegreeIsTheCauchy() {
        // ν = 1 is the Cauchy distribution: F(t) = ½ + atan(t)/π.
        for t in [-3.0, -0.5, 0, 0.7, 4] {
            #expect(abs(StudentT.cumulative(t, degreesOfFreedom: 1) - (0.5 + atan(t) / Double.pi)) < 1e-12)
        }
    }

    @Test func anIntervalOfFewValuesUsesT() {
        let interval = MeanInterval(of: [1, 2, 3, 4])
        // mean 2.5, sd 1.2910, se 0.6455, t_{0.975,3} = 3.1824.
        #expect(interval.mean == 2.5 && interval.count == 4)
        #expect(abs(interval.standardError - 0.645497224) < 1e-9)
        #expect(abs(interval.low - (2.5 - 3.182446305 * 0.645497224)) < 1e-7)
        #expect(interval.excludesZero)
        #expect(MeanInterval(of: [1]).standardError.isNaN && !MeanInterval(of: [-1, 1]).excludesZero)
    }
}
