import MnemoAnalysis
import Testing

@Suite struct TrialSelectorTests {
    @Test func parsesAnIndexOrASweepAndAnIndex() {
        #expect(TrialSelector(parsing: "3") == TrialSelector(trialIndex: 3))
        #expect(TrialSelector(parsing: "sgd-2:0") == TrialSelector(sweep: "sgd-2", trialIndex: 0))
        for bad in ["", "-1", "x", ":2", "a:b", "a:1:2", "1.5"] {
            #expect(TrialSelector(parsing: bad) == nil, "\(bad)")
        }
    }
}
