import Foundation
import Testing

@testable import MnemoCluster

@Suite struct LogBudgetTests {
    @Test func linesBeyondTheBudgetAreCountedAndReportedTheNextMinute() {
        var budget = LogBudget(limit: 3)
        let start = Date(timeIntervalSince1970: 1_000)
        let first = (0..<10).map { budget.admit(at: start.addingTimeInterval(Double($0))) }
        #expect(first.map(\.write) == [true, true, true] + Array(repeating: false, count: 7))
        #expect(first.allSatisfy { $0.suppressedBefore == 0 })
        let next = budget.admit(at: start.addingTimeInterval(61))
        #expect(next.write && next.suppressedBefore == 7)
        #expect(budget.admit(at: start.addingTimeInterval(62)).suppressedBefore == 0)
    }
}
